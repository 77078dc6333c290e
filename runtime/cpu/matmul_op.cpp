#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/shared_matmul.h"
#include "runtime/exec/fused_args.h"
#include "runtime/model/ragged_support.h"

namespace minirt {
namespace {

// Implementations in order: the JIT MatMul where the ISA has one (weights
// packed and code generated at prepare, once per model), else the reference kernel.
class MatMulOp final : public CpuOp {
 public:
  explicit MatMulOp(const CpuOpSetup& s) : op_(s.bound), scratch_(s.scratch) {
    const Model::Impl& model = s.bound.model();
    const ref::MatMulArgs max = matmul_args(op_, RunShape(model.max_batch, model.max_seq));
    // Scratch rows for the larger of a padded and a ragged run at their maxima.
    const int64_t max_rows = model.ragged_refusal.empty()
                                 ? std::max(max.m, matmul_args(op_, ragged_at_max(model)).m)
                                 : max.m;
    // The file's static input quantization applies only where this op runs
    // int8 (cpu::MatMul ignores it in fp32 and bf16).
    jit_ =
        shared_matmul(op_matmul_precision(s.matmul_precision, s.bound.op().precision_floor), s,
                      {max.weight, max.bias, max.n, max.k, max.activation, max.residual != nullptr,
                       MatMulPrecision::kFloat32, s.bound.op().input_quantization},
                      max_rows);
  }

  void run(const RunShape& run, Parallel& parallel) override {
    const ref::MatMulArgs args = matmul_args(op_, run);
    if (jit_)
      return jit_->run(args.src, args.residual, args.dst, args.m, parallel, scratch_.data());
    ref::matmul(args, parallel);
  }

 private:
  BoundOp op_;
  const ScratchBuffer& scratch_;
  std::shared_ptr<const cpu::MatMul> jit_;  // shared by the model's sessions
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_matmul(const CpuOpSetup& setup) {
  return std::make_unique<MatMulOp>(setup);
}

}  // namespace minirt
