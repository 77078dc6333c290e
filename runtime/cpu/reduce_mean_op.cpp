#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

class ReduceMeanOp final : public CpuOp {
 public:
  explicit ReduceMeanOp(const CpuOpSetup& s)
      : src_(s.input(0)), dst_(s.output(0)), src_value_(s.input_value(0)) {
    for (int32_t axis : s.op.axes) reduced_[static_cast<size_t>(axis)] = true;
  }

  void run(const RunShape& run, Parallel& parallel) override {
    ref::reduce_mean({src_.f32(), dst_.f32(), eval_dims(src_value_, run), reduced_}, parallel);
  }

 private:
  TensorRef src_, dst_;
  const ValueInfo& src_value_;
  std::array<bool, ref::kMaxDims> reduced_{};
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_reduce_mean(const CpuOpSetup& setup) {
  return std::make_unique<ReduceMeanOp>(setup);
}

}  // namespace minirt
