#include "ops/ref/kernels.h"
#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/shared_matmul.h"

namespace minirt {
namespace {

// Implementations in order: the JIT MatMul where the ISA has one (weights
// packed and code generated at prepare, once per model), else the reference kernel.
class MatMulOp final : public CpuOp {
 public:
  explicit MatMulOp(const CpuOpSetup& s)
      : src_(s.input(0)),
        weight_(s.input(1)),
        bias_(s.input(2)),
        residual_(s.input(3)),
        dst_(s.output(0)),
        src_value_(s.input_value(0)),
        n_(s.input_value(1).shape[0].factor),
        k_(s.input_value(1).shape[1].factor),
        activation_(s.op.activation),
        jit_(shared_matmul(
            s, {weight_.f32(), bias_.f32(), n_, k_, activation_, residual_.f32() != nullptr},
            src_value_.numel({s.model.max_batch, s.model.max_seq}) / k_)),
        scratch_(s.scratch) {}

  void run(const RunShape& run, Parallel& parallel) override {
    const int64_t m = src_value_.numel(run) / k_;
    if (jit_)
      return jit_->run(src_.f32(), residual_.f32(), dst_.f32(), m, parallel, scratch_.data());
    ref::MatMulArgs args;
    args.src = src_.f32();
    args.weight = weight_.f32();
    args.bias = bias_.f32();
    args.residual = residual_.f32();
    args.dst = dst_.f32();
    args.k = k_;
    args.n = n_;
    args.m = m;
    args.activation = activation_;
    ref::matmul(args, parallel);
  }

 private:
  TensorRef src_, weight_, bias_, residual_, dst_;
  const ValueInfo& src_value_;
  int64_t n_, k_;
  Activation activation_;
  std::shared_ptr<const cpu::MatMul> jit_;  // shared by the model's sessions
  const ScratchBuffer& scratch_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_matmul(const CpuOpSetup& setup) {
  return std::make_unique<MatMulOp>(setup);
}

}  // namespace minirt
