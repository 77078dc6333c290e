#include "ops/cpu/matmul.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <stdexcept>

#include "ops/cpu/bf16_rows.h"
#include "ops/ref/bf16.h"

namespace minirt::cpu {
namespace {

// Bytes of one panel's step block: sized to stay in a 32 KiB L1 with the
// streaming src rows beside it.
constexpr int64_t kPanelBlockBytes = 24 * 1024;
constexpr size_t kAlignment = 64;
constexpr size_t kHugePage = size_t{2} << 20;

// Zeroed. Large buffers are 2 MiB aligned and asked for transparent huge
// pages: far fewer page faults at load, and fewer TLB misses while the
// panels stream.
template <typename T>
T* alloc_zeroed(int64_t count) {
  const size_t bytes = static_cast<size_t>(count) * sizeof(T);
  const size_t alignment = bytes >= kHugePage ? kHugePage : kAlignment;
  const size_t rounded = (bytes + alignment - 1) / alignment * alignment;
  auto* p = static_cast<T*>(std::aligned_alloc(alignment, rounded));
  if (!p) throw std::runtime_error("cannot allocate " + std::to_string(rounded) + " bytes");
  if (alignment == kHugePage) ::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure is fine
  std::memset(p, 0, rounded);
  return p;
}

}  // namespace

// Writes the panels in order, reading NR weight rows side by side; word(row,
// step) is the packed word of one weight row (its K floats) at one k step.
template <typename Word>
void MatMul::pack_panels(const float* weight, uint32_t* packed, Word&& word) const {
  const int64_t nr = tile_.cols;
  for (int64_t panel = 0; panel < panels_; ++panel) {
    const int64_t cols = std::min(nr, n_ - panel * nr);
    uint32_t* dst = packed + panel * steps_ * nr;
    const float* rows = weight + panel * nr * k_;
    for (int64_t step = 0; step < steps_; ++step)
      for (int64_t j = 0; j < cols; ++j) dst[step * nr + j] = word(rows + j * k_, step);
  }
}

MatMul::MatMul(CpuIsa isa, const MatMulWeights& w)
    : n_(w.n),
      k_(w.k),
      bf16_(w.bf16),
      tile_(jit::matmul_tile(isa)),
      panels_((w.n + tile_.cols - 1) / tile_.cols),
      steps_(w.bf16 ? bf16_row_elements(w.k) / 2 : w.k) {
  if (bf16_ && isa < CpuIsa::kAvx512Bf16)
    throw std::runtime_error(std::string("bf16 MatMul needs avx512_bf16, not ") +
                             cpu_isa_name(isa));
  // Even step blocks of at most kPanelBlockBytes each.
  const int64_t max_block = std::max<int64_t>(1, kPanelBlockBytes / (tile_.cols * 4));
  const int64_t blocks = (steps_ + max_block - 1) / max_block;
  step_block_ = (steps_ + blocks - 1) / blocks;

  packed_.reset(alloc_zeroed<uint32_t>(panels_ * steps_ * tile_.cols));
  if (bf16_) {
    pack_panels(w.weight, packed_.get(), [k = k_](const float* row, int64_t step) {
      const int64_t kk = 2 * step;
      const uint32_t high = kk + 1 < k ? ref::float_to_bf16(row[kk + 1]) : 0u;
      return uint32_t{ref::float_to_bf16(row[kk])} | high << 16;
    });
  } else {
    pack_panels(w.weight, packed_.get(),
                [](const float* row, int64_t step) { return std::bit_cast<uint32_t>(row[step]); });
  }
  bias_.reset(alloc_zeroed<float>(panels_ * tile_.cols));
  if (w.bias) std::memcpy(bias_.get(), w.bias, static_cast<size_t>(n_) * sizeof(float));

  std::string error;
  kernels_ = jit::make_matmul_kernels(isa, {k_, n_, w.activation, w.residual, bf16_}, &error);
  if (!kernels_) throw std::runtime_error(error);
}

size_t MatMul::scratch_bytes(int64_t m) const {
  if (!bf16_) return 0;
  return static_cast<size_t>(m * bf16_row_elements(k_)) * sizeof(uint16_t);
}

void MatMul::run(const float* src, const float* residual, float* dst, int64_t m, Parallel& parallel,
                 void* scratch) const {
  if (m <= 0) return;
  // The kernel reads 4 bytes of src per step: one float, or one bf16 pair.
  const void* kernel_src = src;
  if (bf16_) {
    round_rows_to_bf16(src, m, k_, static_cast<uint16_t*>(scratch), parallel);
    kernel_src = scratch;
  }
  const int64_t src_row_words = bf16_ ? steps_ : k_;
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
      for (int64_t s0 = 0; s0 < steps_; s0 += step_block_) {
        args.k = std::min(step_block_, steps_ - s0);
        args.flags = (s0 > 0 ? jit::kMatMulAccumulate : 0) |
                     (s0 + args.k == steps_ ? jit::kMatMulFinish : 0);
        args.packed = packed_.get() + (panel * steps_ + s0) * nr;
        for (int64_t block = first_block; block < last_block; ++block) {
          const int64_t row = block * mr;
          const int rows = static_cast<int>(std::min(mr, m - row));
          args.src = static_cast<const uint32_t*>(kernel_src) + row * src_row_words + s0;
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
