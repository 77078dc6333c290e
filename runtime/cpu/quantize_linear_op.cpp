// QuantizeLinear and DequantizeLinear (generic ops): a QDQ model's
// quantization that no fusion folded into an int8 MatMul, run as ONNX
// defines it on ops/ref's kernels.
#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class QuantizeLinearOp final : public CpuOp {
 public:
  explicit QuantizeLinearOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel&) override {
    if (op_.op().kind == OpKind::QuantizeLinear)
      ref::quantize_linear(quantize_linear_args(op_, run));
    else
      ref::dequantize_linear(dequantize_linear_args(op_, run));
  }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_quantize_linear(const CpuOpSetup& setup) {
  return std::make_unique<QuantizeLinearOp>(setup);
}

}  // namespace minirt
