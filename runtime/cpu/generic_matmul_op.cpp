// GenericMatMul (numpy matmul) and Gemm on the reference kernels.
#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

class GenericMatMulOp final : public CpuOp {
 public:
  explicit GenericMatMulOp(const CpuOpSetup& s)
      : op_(s.op),
        a_(s.input(0)),
        b_(s.input(1)),
        c_(s.op.kind == OpKind::Gemm ? s.input(2) : TensorRef()),
        dst_(s.output(0)),
        a_value_(s.input_value(0)),
        b_value_(s.input_value(1)),
        c_value_(s.op.kind == OpKind::Gemm && s.op.inputs[2] >= 0 ? &s.input_value(2) : nullptr) {}

  void run(const RunShape& run, Parallel& parallel) override {
    const ref::Dims a = eval_dims(a_value_, run), b = eval_dims(b_value_, run);
    if (op_.kind == OpKind::GenericMatMul) {
      return ref::batched_matmul({static_cast<const float*>(a_.data()),
                                  static_cast<const float*>(b_.data()), dst_.f32(), a, b},
                                 parallel);
    }
    ref::GemmArgs args;
    args.a = a_.f32();
    args.b = b_.f32();
    args.c = c_.f32();
    if (c_value_) args.c_dims = eval_dims(*c_value_, run);
    args.dst = dst_.f32();
    args.m = a.d[op_.trans_a ? 1 : 0];
    args.k = a.d[op_.trans_a ? 0 : 1];
    args.n = b.d[op_.trans_b ? 0 : 1];
    args.alpha = op_.alpha;
    args.beta = op_.beta;
    args.trans_a = op_.trans_a;
    args.trans_b = op_.trans_b;
    ref::gemm(args, parallel);
  }

 private:
  const OpInfo& op_;
  TensorRef a_, b_, c_, dst_;
  const ValueInfo &a_value_, &b_value_;
  const ValueInfo* c_value_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_generic_matmul(const CpuOpSetup& setup) {
  return std::make_unique<GenericMatMulOp>(setup);
}

}  // namespace minirt
