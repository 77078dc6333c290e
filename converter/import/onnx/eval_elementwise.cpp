// Element-wise ONNX ops with numpy broadcasting, Where, Cast and Gelu, on
// ref::elementwise.
#include <stdexcept>

#include "converter/import/onnx/evaluator.h"
#include "ops/parallel.h"

namespace minirt::converter::onnx {
namespace {

using ir::DType;
using ref::ElementwiseFn;

// The element types an op takes.
const std::initializer_list<DType> kNumeric = {DType::kF32, DType::kI64, DType::kI32, DType::kI8,
                                               DType::kU8};
const std::initializer_list<DType> kSigned = {DType::kF32, DType::kI64, DType::kI32, DType::kI8};
const std::initializer_list<DType> kComparable = {DType::kF32, DType::kI64, DType::kI32,
                                                  DType::kI8,  DType::kU8,  DType::kBool};
const std::initializer_list<DType> kFloat = {DType::kF32};
const std::initializer_list<DType> kBool = {DType::kBool};

DType onnx_cast_target(int64_t to) {
  switch (to) {
    case 1:
    case 10:
    case 11:
      return DType::kF32;  // float16 and double computed as float32
    case 3:
      return DType::kI8;
    case 6:
      return DType::kI32;
    case 7:
      return DType::kI64;
    case 9:
      return DType::kBool;
    default:
      throw std::runtime_error("Cast to data type " + std::to_string(to) + " is not supported");
  }
}

// fn over the first arity(fn) inputs, broadcast, into a tensor of out_dtype.
std::vector<HostTensor> apply(ElementwiseFn fn, const EvalInputs& in, DType out_dtype) {
  ref::ElementwiseArgs args;
  args.fn = fn;
  std::vector<int64_t> dims;
  for (int i = 0; i < ref::elementwise_arity(fn); ++i) {
    const HostTensor& t = required_input(in, static_cast<size_t>(i));
    args.src[static_cast<size_t>(i)] = t.arg();
    dims = broadcast_dims(dims, t.dims);
  }
  args.dst_dims = ref_dims(dims);
  args.dst_type = elem_type(out_dtype);
  return {HostTensor::computed(out_dtype, dims, [&](void* dst) {
    args.dst = dst;
    SerialParallel serial;
    ref::elementwise(args, serial);
  })};
}

// A binary op on operands of one type among `types`; comparisons give bool.
void add_binary(EvalTable& t, const char* name, ElementwiseFn fn,
                std::initializer_list<DType> types, bool to_bool) {
  t[name] = [fn, types, to_bool](const ir::Attributes&, const EvalInputs& in) {
    const HostTensor& a = required_input(in, 0);
    require_dtype(a, types, "the operands");
    if (required_input(in, 1).dtype != a.dtype) {
      throw std::runtime_error("operands of different element types");
    }
    return apply(fn, in, to_bool ? DType::kBool : a.dtype);
  };
}

void add_unary(EvalTable& t, const char* name, ElementwiseFn fn,
               std::initializer_list<DType> types) {
  t[name] = [fn, types](const ir::Attributes&, const EvalInputs& in) {
    require_dtype(required_input(in, 0), types, "the operand");
    return apply(fn, in, in[0]->dtype);
  };
}

}  // namespace

void add_elementwise_ops(EvalTable& t) {
  add_binary(t, "Add", ElementwiseFn::kAdd, kNumeric, false);
  add_binary(t, "Sub", ElementwiseFn::kSub, kNumeric, false);
  add_binary(t, "Mul", ElementwiseFn::kMul, kNumeric, false);
  add_binary(t, "Div", ElementwiseFn::kDiv, kNumeric, false);
  add_binary(t, "Pow", ElementwiseFn::kPow, kNumeric, false);
  add_binary(t, "Max", ElementwiseFn::kMax, kNumeric, false);
  add_binary(t, "Min", ElementwiseFn::kMin, kNumeric, false);
  add_binary(t, "Equal", ElementwiseFn::kEqual, kComparable, true);
  add_binary(t, "Greater", ElementwiseFn::kGreater, kNumeric, true);
  add_binary(t, "GreaterOrEqual", ElementwiseFn::kGreaterOrEqual, kNumeric, true);
  add_binary(t, "Less", ElementwiseFn::kLess, kNumeric, true);
  add_binary(t, "LessOrEqual", ElementwiseFn::kLessOrEqual, kNumeric, true);
  add_binary(t, "And", ElementwiseFn::kAnd, kBool, true);
  add_binary(t, "Or", ElementwiseFn::kOr, kBool, true);
  add_unary(t, "Sqrt", ElementwiseFn::kSqrt, kFloat);
  add_unary(t, "Erf", ElementwiseFn::kErf, kFloat);
  add_unary(t, "Tanh", ElementwiseFn::kTanh, kFloat);
  add_unary(t, "Exp", ElementwiseFn::kExp, kFloat);
  add_unary(t, "Neg", ElementwiseFn::kNeg, kSigned);
  add_unary(t, "Not", ElementwiseFn::kNot, kBool);
  t["Identity"] = [](const ir::Attributes&, const EvalInputs& in) {
    return std::vector<HostTensor>{required_input(in, 0)};
  };
  t["Gelu"] = [](const ir::Attributes& attrs, const EvalInputs& in) {
    require_dtype(required_input(in, 0), kFloat, "the operand");
    const bool tanh_form = attrs.has("approximate") && attrs.get_string("approximate") == "tanh";
    return apply(tanh_form ? ElementwiseFn::kGeluTanh : ElementwiseFn::kGeluErf, in, DType::kF32);
  };
  t["Where"] = [](const ir::Attributes&, const EvalInputs& in) {
    require_dtype(required_input(in, 0), kBool, "the condition");
    const HostTensor& x = required_input(in, 1);
    if (required_input(in, 2).dtype != x.dtype) {
      throw std::runtime_error("Where branches of different element types");
    }
    return apply(ElementwiseFn::kWhere, in, x.dtype);
  };
  t["Cast"] = [](const ir::Attributes& attrs, const EvalInputs& in) {
    require_dtype(required_input(in, 0), kComparable, "the operand");
    const DType to = onnx_cast_target(attrs.get_int("to"));
    if (in[0]->dtype == DType::kU8 && to == DType::kBool) {
      // The kernels hold a bool as a u8, so u8 to u8 is a copy: != 0 takes a step via i32.
      const HostTensor wide = apply(ElementwiseFn::kCast, in, DType::kI32)[0];
      return apply(ElementwiseFn::kCast, {&wide}, to);
    }
    return apply(ElementwiseFn::kCast, in, to);
  };
}

}  // namespace minirt::converter::onnx
