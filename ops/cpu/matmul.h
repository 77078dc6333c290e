// The CPU MatMul over JIT kernels: dst[m,n] = act(src x W^T + bias) + residual.
//
// Prepare (the constructor) packs the file's [N,K] row-major weight once
// into panels of NR columns, one 4-byte word per column and k step, so the
// micro-kernel reads one contiguous NR-word row per step:
//   fp32: a step is one k; panel p holds W[p*NR + j][k] at word (p*K + k)*NR + j.
//   bf16: a step is a k pair; the word holds W[.][2s] and W[.][2s+1] rounded
//         to bfloat16 (the pair vdpbf16ps multiplies), K padded to even.
//   int8: a step is a k quad of s8 weights (vpdpbusd), K padded to a
//         multiple of 4; each column's scale and s8 sum are kept beside.
// Zero past N (and past K). The bias is copied padded to a multiple of NR.
// run() walks, per thread: panels, then blocks of about kPanelBlockBytes of
// steps (the slice of a panel stays in L1 across the tile rows), then tiles
// of MR rows. Threads split the panels; when there are too few panels to go
// round, the row blocks too, so batch-1 short sequences still use every
// thread. In bf16 and int8 the src rows are first converted into the
// caller's scratch.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "ops/cpu/cpu_isa.h"
#include "ops/cpu/jit/matmul_kernel.h"
#include "ops/op_types.h"
#include "ops/parallel.h"

namespace minirt::cpu {

struct MatMulWeights {
  const float* weight = nullptr;  // [n, k]
  const float* bias = nullptr;    // [n] or nullptr
  int64_t n = 0, k = 0;
  Activation activation = Activation::kNone;
  bool residual = false;  // run() gets a residual to add
  MatMulPrecision precision = MatMulPrecision::kFloat32;
  // int8 only: src quantized with this for every row, not each row's range.
  std::optional<StaticQuantization> input_quantization{};
};

class MatMul {
 public:
  // Throws std::runtime_error when isa is below
  // jit::matmul_precision_isa(weights.precision), or code generation or the
  // packed-weight allocation fails.
  MatMul(CpuIsa isa, const MatMulWeights& weights);

  const std::string& kernel_name() const { return kernels_->name(); }

  // Bytes of scratch run() needs for m rows (0 in fp32), 64-byte aligned.
  size_t scratch_bytes(int64_t m) const;

  // src [m, k] and dst, residual [m, n], rows contiguous; scratch holds
  // scratch_bytes(m) bytes (may be nullptr when that is 0).
  void run(const float* src, const float* residual, float* dst, int64_t m, Parallel& parallel,
           void* scratch = nullptr) const;

 private:
  struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
  };
  template <typename T>
  using Buffer = std::unique_ptr<T, FreeDeleter>;

  template <typename Word>
  void pack_panels(uint32_t* packed, Word&& word) const;
  void pack_int8(const float* weight);
  // Converts src into scratch for the kernels; returns what they read.
  const void* convert_src(const float* src, int64_t m, Parallel& parallel, void* scratch) const;
  // int8: where in the scratch for m rows the rows' quantization lives.
  ref::RowQuantization* row_quantization(void* scratch, int64_t m) const;

  int64_t n_, k_;
  MatMulPrecision precision_;
  std::optional<ref::RowQuantization> static_input_;  // int8 with a static input scale
  jit::MatMulTile tile_;
  int64_t panels_;
  int64_t steps_;       // k steps per panel row: k, or k pairs in bf16
  int64_t step_block_;  // steps per kernel call
  Buffer<uint32_t> packed_;
  Buffer<float> bias_;
  Buffer<float> column_scale_, column_sum_;  // int8 only, padded like the bias
  std::unique_ptr<jit::MatMulKernelSet> kernels_;
};

// The MatMul for cpu_isa_in_use(), or nullptr where no JIT path exists
// (scalar): the caller then runs the reference kernel, which comes last.
// A precision other than fp32 needs cpu_isa_in_use() >= its
// jit::matmul_precision_isa (the caller checks).
std::unique_ptr<MatMul> make_matmul(const MatMulWeights& weights);

}  // namespace minirt::cpu
