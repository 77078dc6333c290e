// The CPU MatMul over JIT kernels: dst[m,n] = act(src x W^T + bias) + residual.
//
// Prepare (the constructor) packs the file's [N,K] row-major weight once
// into panels of NR columns, one 4-byte word per column and k step, so the
// micro-kernel reads one contiguous NR-word row per step:
//   fp32: a step is one k; panel p holds W[p*NR + j][k] at word (p*K + k)*NR + j.
//   bf16: a step is a k pair; the word holds W[.][2s] and W[.][2s+1] rounded
//         to bfloat16 (the pair vdpbf16ps multiplies), K padded to even.
// Zero past N (and past K). The bias is copied padded to a multiple of NR.
// run() walks, per thread: panels, then blocks of about kPanelBlockBytes of
// steps (the slice of a panel stays in L1 across the tile rows), then tiles
// of MR rows. Threads split the panels; when there are too few panels to go
// round, the row blocks too, so batch-1 short sequences still use every
// thread. In bf16 the src rows are first rounded into the caller's scratch.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
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
  bool bf16 = false;      // src and weight rounded to bfloat16, fp32 accumulation
};

class MatMul {
 public:
  // isa >= kAvx2, and >= kAvx512Bf16 for bf16. Throws std::runtime_error
  // when code generation or the packed-weight allocation fails.
  MatMul(CpuIsa isa, const MatMulWeights& weights);

  const std::string& kernel_name() const { return kernels_->name(); }

  // Bytes of scratch run() needs for m rows (0 in fp32); 64-byte aligned.
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
  void pack_panels(const float* weight, uint32_t* packed, Word&& word) const;

  int64_t n_, k_;
  bool bf16_;
  jit::MatMulTile tile_;
  int64_t panels_;
  int64_t steps_;       // k steps per panel row: k, or k pairs in bf16
  int64_t step_block_;  // steps per kernel call
  Buffer<uint32_t> packed_;
  Buffer<float> bias_;
  std::unique_ptr<jit::MatMulKernelSet> kernels_;
};

// The MatMul for cpu_isa_in_use(), or nullptr where no JIT path exists
// (scalar): the caller then runs the reference kernel, which comes last.
// weights.bf16 needs cpu_isa_in_use() >= kAvx512Bf16 (the caller checks).
std::unique_ptr<MatMul> make_matmul(const MatMulWeights& weights);

}  // namespace minirt::cpu
