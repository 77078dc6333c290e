// Elementwise and Expand (a same-type Cast broadcast to the output's shape).
#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

class ElementwiseOp final : public CpuOp {
 public:
  explicit ElementwiseOp(const CpuOpSetup& s)
      : fn_(s.op.kind == OpKind::kExpand ? ref::ElementwiseFn::kCast
                                         : static_cast<ref::ElementwiseFn>(s.op.elementwise_fn)),
        dst_(s.output(0)),
        dst_value_(s.output_value(0)) {
    for (size_t i = 0; i < s.op.inputs.size(); ++i) {
      src_[i] = s.input(i);
      src_values_[i] = &s.input_value(i);
    }
  }

  void run(int64_t batch, int64_t seq, Parallel& parallel) override {
    ref::ElementwiseArgs args;
    args.fn = fn_;
    for (size_t i = 0; i < src_.size() && src_values_[i]; ++i) {
      args.src[i] = {src_[i].data(), eval_dims(*src_values_[i], batch, seq),
                     elem_type(src_values_[i]->dtype)};
    }
    args.dst = dst_.data();
    args.dst_dims = eval_dims(dst_value_, batch, seq);
    args.dst_type = elem_type(dst_value_.dtype);
    ref::elementwise(args, parallel);
  }

 private:
  ref::ElementwiseFn fn_;
  std::array<TensorRef, 3> src_;
  std::array<const ValueInfo*, 3> src_values_{};
  TensorRef dst_;
  const ValueInfo& dst_value_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_elementwise(const CpuOpSetup& setup) {
  return std::make_unique<ElementwiseOp>(setup);
}

}  // namespace minirt
