#include "ops/cpu/matmul.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace minirt::cpu {
namespace {

// Bytes of one panel's k block: sized to stay in a 32 KiB L1 with the
// streaming src rows beside it.
constexpr int64_t kPanelBlockBytes = 24 * 1024;
constexpr size_t kAlignment = 64;
constexpr size_t kHugePage = size_t{2} << 20;

// Zeroed. Large buffers are 2 MiB aligned and asked for transparent huge
// pages: far fewer page faults at load, and fewer TLB misses while the
// panels stream.
float* alloc_floats(int64_t count) {
  const size_t bytes = static_cast<size_t>(count) * sizeof(float);
  const size_t alignment = bytes >= kHugePage ? kHugePage : kAlignment;
  const size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  auto* p = static_cast<float*>(std::aligned_alloc(alignment, rounded));
  if (!p) throw std::runtime_error("cannot allocate " + std::to_string(rounded) + " bytes");
  if (alignment == kHugePage) ::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure is fine
  std::memset(p, 0, rounded);
  return p;
}

}  // namespace

MatMul::MatMul(CpuIsa isa, const MatMulWeights& w)
    : n_(w.n), k_(w.k), tile_(jit::matmul_tile(isa)), panels_((w.n + tile_.cols - 1) / tile_.cols) {
  // Even k blocks of at most kPanelBlockBytes each.
  const int64_t max_block = std::max<int64_t>(1, kPanelBlockBytes / (tile_.cols * 4));
  const int64_t blocks = (k_ + max_block - 1) / max_block;
  k_block_ = (k_ + blocks - 1) / blocks;

  const int64_t nr = tile_.cols;
  packed_.reset(alloc_floats(panels_ * k_ * nr));
  float* packed = packed_.get();
  // Writes in order; reads NR weight rows side by side.
  for (int64_t panel = 0; panel < panels_; ++panel) {
    const int64_t cols = std::min(nr, n_ - panel * nr);
    float* dst = packed + panel * k_ * nr;
    const float* src = w.weight + panel * nr * k_;
    for (int64_t kk = 0; kk < k_; ++kk)
      for (int64_t j = 0; j < cols; ++j) dst[kk * nr + j] = src[j * k_ + kk];
  }
  bias_.reset(alloc_floats(panels_ * nr));
  if (w.bias) std::memcpy(bias_.get(), w.bias, static_cast<size_t>(n_) * sizeof(float));

  std::string error;
  kernels_ = jit::make_matmul_kernels(isa, {k_, n_, w.activation, w.residual}, &error);
  if (!kernels_) throw std::runtime_error(error);
}

void MatMul::run(const float* src, const float* residual, float* dst, int64_t m,
                 Parallel& parallel) const {
  if (m <= 0) return;
  const int64_t mr = tile_.rows, nr = tile_.cols;
  const int64_t row_blocks = (m + mr - 1) / mr;
  // Split rows too only when the panels alone give a thread fewer than two.
  const int64_t row_parts =
      std::clamp<int64_t>((2 * parallel.threads() + panels_ - 1) / panels_, 1, row_blocks);
  const bool has_tail = n_ % nr != 0;

  parallel.for_range(row_parts * panels_, 1, [&](int64_t begin, int64_t end) {
    jit::MatMulKernelArgs args;
    for (int64_t task = begin; task < end; ++task) {
      const int64_t part = task / panels_, panel = task % panels_;
      const bool tail = has_tail && panel == panels_ - 1;
      const int64_t first_block = row_blocks * part / row_parts;
      const int64_t last_block = row_blocks * (part + 1) / row_parts;
      args.bias = bias_.get() + panel * nr;
      for (int64_t k0 = 0; k0 < k_; k0 += k_block_) {
        args.k = std::min(k_block_, k_ - k0);
        args.flags =
            (k0 > 0 ? jit::kMatMulAccumulate : 0) | (k0 + args.k == k_ ? jit::kMatMulFinish : 0);
        args.packed = packed_.get() + (panel * k_ + k0) * nr;
        for (int64_t block = first_block; block < last_block; ++block) {
          const int64_t row = block * mr;
          const int rows = static_cast<int>(std::min(mr, m - row));
          args.src = src + row * k_ + k0;
          args.dst = dst + row * n_ + panel * nr;
          args.residual = residual ? residual + row * n_ + panel * nr : nullptr;
          kernels_->kernel(rows, tail)(&args);
        }
      }
    }
  });
}

std::unique_ptr<MatMul> make_matmul(const MatMulWeights& weights) {
  const CpuIsa isa = cpu_isa_in_use();
  if (isa < CpuIsa::kAvx2) return nullptr;
  return std::make_unique<MatMul>(isa, weights);
}

}  // namespace minirt::cpu
