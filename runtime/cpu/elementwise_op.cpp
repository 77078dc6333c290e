// Elementwise and Expand (a same-type Cast broadcast to the output's shape).
#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

using Fn = ref::ElementwiseFn;
using FbFn = fb::ElementwiseFn;
static_assert(same_code(Fn::kAdd, FbFn::Add) && same_code(Fn::kSub, FbFn::Sub) &&
                  same_code(Fn::kMul, FbFn::Mul) && same_code(Fn::kDiv, FbFn::Div) &&
                  same_code(Fn::kPow, FbFn::Pow) && same_code(Fn::kMax, FbFn::Max) &&
                  same_code(Fn::kMin, FbFn::Min) && same_code(Fn::kEqual, FbFn::Equal) &&
                  same_code(Fn::kGreater, FbFn::Greater) &&
                  same_code(Fn::kGreaterOrEqual, FbFn::GreaterOrEqual) &&
                  same_code(Fn::kLess, FbFn::Less) &&
                  same_code(Fn::kLessOrEqual, FbFn::LessOrEqual) &&
                  same_code(Fn::kAnd, FbFn::And) && same_code(Fn::kOr, FbFn::Or) &&
                  same_code(Fn::kNot, FbFn::Not) && same_code(Fn::kNeg, FbFn::Neg) &&
                  same_code(Fn::kSqrt, FbFn::Sqrt) && same_code(Fn::kExp, FbFn::Exp) &&
                  same_code(Fn::kErf, FbFn::Erf) && same_code(Fn::kTanh, FbFn::Tanh) &&
                  same_code(Fn::kGeluErf, FbFn::GeluErf) &&
                  same_code(Fn::kGeluTanh, FbFn::GeluTanh) && same_code(Fn::kWhere, FbFn::Where) &&
                  same_code(Fn::kCast, FbFn::Cast) &&
                  ref::kElementwiseFnCount == static_cast<int>(FbFn::MAX) + 1,
              "ref::ElementwiseFn must mirror minirt.fbs's ElementwiseFn, code for code");

class ElementwiseOp final : public CpuOp {
 public:
  explicit ElementwiseOp(const CpuOpSetup& s)
      : fn_(s.op.kind == OpKind::Expand ? ref::ElementwiseFn::kCast
                                        : static_cast<Fn>(s.op.elementwise_fn)),
        dst_(s.output(0)),
        dst_value_(s.output_value(0)) {
    for (size_t i = 0; i < s.op.inputs.size(); ++i) {
      src_[i] = s.input(i);
      src_values_[i] = &s.input_value(i);
    }
  }

  void run(const RunShape& run, Parallel& parallel) override {
    ref::ElementwiseArgs args;
    args.fn = fn_;
    for (size_t i = 0; i < src_.size() && src_values_[i]; ++i) {
      args.src[i] = {src_[i].data(), eval_dims(*src_values_[i], run),
                     elem_type(src_values_[i]->dtype)};
    }
    args.dst = dst_.data();
    args.dst_dims = eval_dims(dst_value_, run);
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
