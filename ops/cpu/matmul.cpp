#include "ops/cpu/matmul.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "ops/cpu/bf16_rows.h"
#include "ops/cpu/int8_rows.h"
#include "ops/ref/bf16.h"
#include "ops/ref/int8.h"

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

// Writes the panels in order; word(column, step) is the packed word of one
// weight row (output column) at one k step.
template <typename Word>
void MatMul::pack_panels(uint32_t* packed, Word&& word) const {
  const int64_t nr = tile_.cols;
  for (int64_t panel = 0; panel < panels_; ++panel) {
    const int64_t cols = std::min(nr, n_ - panel * nr);
    uint32_t* dst = packed + panel * steps_ * nr;
    for (int64_t step = 0; step < steps_; ++step)
      for (int64_t j = 0; j < cols; ++j) dst[step * nr + j] = word(panel * nr + j, step);
  }
}

void MatMul::pack_int8(const float* weight) {
  column_scale_.reset(alloc_zeroed<float>(panels_ * tile_.cols));
  column_sum_.reset(alloc_zeroed<float>(panels_ * tile_.cols));
  // Each weight quantized once, then packed four to a word.
  std::vector<int8_t> quantized(static_cast<size_t>(n_ * k_));
  for (int64_t col = 0; col < n_; ++col) {
    const float* row = weight + col * k_;
    int8_t* q = quantized.data() + col * k_;
    float max_abs = 0.0f;
    for (int64_t kk = 0; kk < k_; ++kk) max_abs = std::max(max_abs, std::fabs(row[kk]));
    const float scale = ref::column_scale(max_abs);
    int64_t sum = 0;
    for (int64_t kk = 0; kk < k_; ++kk) sum += q[kk] = ref::quantize_s8(row[kk], scale);
    column_scale_.get()[col] = scale;
    column_sum_.get()[col] = static_cast<float>(sum);  // exact: |sum| <= 127 K < 2^24
  }
  pack_panels(packed_.get(), [&](int64_t col, int64_t step) {
    const int8_t* q = quantized.data() + col * k_;
    uint32_t word = 0;
    for (int64_t b = 0; b < 4 && 4 * step + b < k_; ++b)
      word |= uint32_t{static_cast<uint8_t>(q[4 * step + b])} << (8 * b);
    return word;
  });
}

MatMul::MatMul(CpuIsa isa, const MatMulWeights& w)
    : n_(w.n),
      k_(w.k),
      precision_(w.precision),
      tile_(jit::matmul_tile(isa)),
      panels_((w.n + tile_.cols - 1) / tile_.cols),
      steps_(jit::matmul_steps(w.precision, w.k)) {
  // Code first: it refuses a precision the ISA lacks before any packing.
  std::string error;
  kernels_ = jit::make_matmul_kernels(isa, {k_, n_, w.activation, w.residual, precision_}, &error);
  if (!kernels_) throw std::runtime_error(error);

  // Even step blocks of at most kPanelBlockBytes each.
  const int64_t max_block = std::max<int64_t>(1, kPanelBlockBytes / (tile_.cols * 4));
  const int64_t blocks = (steps_ + max_block - 1) / max_block;
  step_block_ = (steps_ + blocks - 1) / blocks;

  packed_.reset(alloc_zeroed<uint32_t>(panels_ * steps_ * tile_.cols));
  switch (precision_) {
    case MatMulPrecision::kFloat32:
      pack_panels(packed_.get(), [&](int64_t col, int64_t step) {
        return std::bit_cast<uint32_t>(w.weight[col * k_ + step]);
      });
      break;
    case MatMulPrecision::kBFloat16:
      pack_panels(packed_.get(), [&](int64_t col, int64_t step) {
        const float* row = w.weight + col * k_;
        const int64_t kk = 2 * step;
        const uint32_t high = kk + 1 < k_ ? ref::float_to_bf16(row[kk + 1]) : 0u;
        return uint32_t{ref::float_to_bf16(row[kk])} | high << 16;
      });
      break;
    case MatMulPrecision::kInt8:
      pack_int8(w.weight);
      break;
  }
  if (precision_ == MatMulPrecision::kInt8 && w.input_quantization)
    static_input_ = ref::static_row_quantization(*w.input_quantization);
  bias_.reset(alloc_zeroed<float>(panels_ * tile_.cols));
  if (w.bias) std::memcpy(bias_.get(), w.bias, static_cast<size_t>(n_) * sizeof(float));
}

// Scratch layout: the converted rows (steps_ words each), then for int8 the
// rows' quantization, 64-byte aligned.
size_t MatMul::scratch_bytes(int64_t m) const {
  if (precision_ == MatMulPrecision::kFloat32) return 0;
  const size_t rows = static_cast<size_t>(m * steps_) * sizeof(uint32_t);
  if (precision_ == MatMulPrecision::kBFloat16) return rows;
  return (rows + kAlignment - 1) / kAlignment * kAlignment +
         static_cast<size_t>(m) * sizeof(ref::RowQuantization);
}

ref::RowQuantization* MatMul::row_quantization(void* scratch, int64_t m) const {
  const size_t rows = static_cast<size_t>(m * steps_) * sizeof(uint32_t);
  return reinterpret_cast<ref::RowQuantization*>(static_cast<uint8_t*>(scratch) +
                                                 (rows + kAlignment - 1) / kAlignment * kAlignment);
}

const void* MatMul::convert_src(const float* src, int64_t m, Parallel& parallel,
                                void* scratch) const {
  switch (precision_) {
    case MatMulPrecision::kFloat32:
      return src;
    case MatMulPrecision::kBFloat16:
      round_rows_to_bf16(src, m, k_, static_cast<uint16_t*>(scratch), parallel);
      return scratch;
    case MatMulPrecision::kInt8:
      if (static_input_)
        quantize_rows_to_u8(src, m, k_, *static_input_, static_cast<uint8_t*>(scratch),
                            row_quantization(scratch, m), parallel);
      else
        quantize_rows_to_u8(src, m, k_, static_cast<uint8_t*>(scratch),
                            row_quantization(scratch, m), parallel);
      return scratch;
  }
  return src;
}

void MatMul::run(const float* src, const float* residual, float* dst, int64_t m, Parallel& parallel,
                 void* scratch) const {
  if (m <= 0) return;
  // The kernels read one 4-byte word of src per step: a float, a bf16 pair
  // or a u8 quad.
  const void* kernel_src = convert_src(src, m, parallel, scratch);
  const bool int8 = precision_ == MatMulPrecision::kInt8;
  const ref::RowQuantization* quantization = int8 ? row_quantization(scratch, m) : nullptr;
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
      if (int8) {
        args.column_scale = column_scale_.get() + panel * nr;
        args.column_sum = column_sum_.get() + panel * nr;
      }
      for (int64_t s0 = 0; s0 < steps_; s0 += step_block_) {
        args.k = std::min(step_block_, steps_ - s0);
        args.flags = (s0 > 0 ? jit::kMatMulAccumulate : 0) |
                     (s0 + args.k == steps_ ? jit::kMatMulFinish : 0);
        args.packed = packed_.get() + (panel * steps_ + s0) * nr;
        for (int64_t block = first_block; block < last_block; ++block) {
          const int64_t row = block * mr;
          const int rows = static_cast<int>(std::min(mr, m - row));
          args.src = static_cast<const uint32_t*>(kernel_src) + row * steps_ + s0;
          if (int8) args.row_quantization = quantization + row;
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
