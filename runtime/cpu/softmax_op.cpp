#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

class SoftmaxOp final : public CpuOp {
 public:
  explicit SoftmaxOp(const CpuOpSetup& s)
      : src_(s.input(0)), dst_(s.output(0)), src_value_(s.input_value(0)), axis_(s.op.axis) {}

  void run(const RunShape& run, Parallel& parallel) override {
    ref::softmax({src_.f32(), dst_.f32(), eval_dims(src_value_, run), axis_}, parallel);
  }

 private:
  TensorRef src_, dst_;
  const ValueInfo& src_value_;
  int axis_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_softmax(const CpuOpSetup& setup) {
  return std::make_unique<SoftmaxOp>(setup);
}

}  // namespace minirt
