// The CPU MatMul over JIT kernels: dst[m,n] = act(src x W^T + bias) + residual.
//
// Prepare (the constructor) packs the file's [N,K] row-major weight once
// into panels of NR columns: panel p holds W[p*NR + j][k] at
// packed[(p*K + k)*NR + j], zero past N, so the micro-kernel reads one
// contiguous NR-float row per k step. The bias is copied padded to a
// multiple of NR. run() walks, per thread: panels, then k blocks of about
// KC steps (the KC x NR slice of a panel stays in L1 across the tile rows),
// then tiles of MR rows. Threads split the panels; when there are too few
// panels to go round, the row blocks too, so batch-1 short sequences still
// use every thread.
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
};

class MatMul {
 public:
  // isa >= kAvx2. Throws std::runtime_error when code generation or the
  // packed-weight allocation fails.
  MatMul(CpuIsa isa, const MatMulWeights& weights);

  const std::string& kernel_name() const { return kernels_->name(); }

  // src [m, k] and dst, residual [m, n], rows contiguous.
  void run(const float* src, const float* residual, float* dst, int64_t m,
           Parallel& parallel) const;

 private:
  struct FreeDeleter {
    void operator()(float* p) const { std::free(p); }
  };
  using Buffer = std::unique_ptr<float, FreeDeleter>;

  int64_t n_, k_;
  jit::MatMulTile tile_;
  int64_t panels_;
  int64_t k_block_;  // k steps per kernel call
  Buffer packed_, bias_;
  std::unique_ptr<jit::MatMulKernelSet> kernels_;
};

// The MatMul for cpu_isa_in_use(), or nullptr where no JIT path exists
// (scalar): the caller then runs the reference kernel, which comes last.
std::unique_ptr<MatMul> make_matmul(const MatMulWeights& weights);

}  // namespace minirt::cpu
