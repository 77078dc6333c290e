// Element-wise ONNX ops with numpy broadcasting, and Where and Cast.
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "converter/import/onnx/evaluator.h"

namespace minirt::converter::onnx {
namespace {

using Binary = double (*)(double, double);
using Unary = double (*)(double);

ir::DType onnx_cast_target(int64_t to) {
  switch (to) {
    case 1:
    case 10:
    case 11:
      return ir::DType::kF32;  // float16 and double computed as float32
    case 6:
    case 7:
      return ir::DType::kI64;
    case 9:
      return ir::DType::kBool;
    default:
      throw std::runtime_error("Cast to data type " + std::to_string(to) + " is not supported");
  }
}

std::vector<HostTensor> broadcast_apply(const EvalInputs& inputs, ir::DType out_dtype, auto&& fn) {
  std::vector<int64_t> dims;
  for (size_t i = 0; i < inputs.size(); ++i) {
    dims = broadcast_dims(dims, required_input(inputs, i).dims);
  }
  HostTensor out = HostTensor::zeros(out_dtype, dims);
  std::vector<std::vector<int64_t>> index;
  for (const HostTensor* in : inputs) index.push_back(broadcast_index(in->dims, dims));
  std::vector<double> args(inputs.size());
  for (size_t e = 0; e < out.values.size(); ++e) {
    for (size_t i = 0; i < inputs.size(); ++i) args[i] = inputs[i]->at(index[i][e]);
    out.set(e, fn(args));
  }
  return {std::move(out)};
}

void add_binary(EvalTable& t, const char* name, Binary fn, bool comparison) {
  t[name] = [fn, comparison](const ir::Attributes&, const EvalInputs& in) {
    const HostTensor& a = required_input(in, 0);
    if (required_input(in, 1).dtype != a.dtype) {
      throw std::runtime_error(std::string("operands of different element types"));
    }
    return broadcast_apply(in, comparison ? ir::DType::kBool : a.dtype,
                           [fn](const std::vector<double>& v) { return fn(v[0], v[1]); });
  };
}

void add_unary(EvalTable& t, const char* name, Unary fn) {
  t[name] = [fn](const ir::Attributes&, const EvalInputs& in) {
    return broadcast_apply({&required_input(in, 0)}, in[0]->dtype,
                           [fn](const std::vector<double>& v) { return fn(v[0]); });
  };
}

}  // namespace

void add_elementwise_ops(EvalTable& t) {
  add_binary(
      t, "Add", [](double a, double b) { return a + b; }, false);
  add_binary(
      t, "Sub", [](double a, double b) { return a - b; }, false);
  add_binary(
      t, "Mul", [](double a, double b) { return a * b; }, false);
  add_binary(
      t, "Div", [](double a, double b) { return a / b; }, false);
  add_binary(
      t, "Pow", [](double a, double b) { return std::pow(a, b); }, false);
  add_binary(
      t, "Max", [](double a, double b) { return std::max(a, b); }, false);
  add_binary(
      t, "Min", [](double a, double b) { return std::min(a, b); }, false);
  add_binary(
      t, "Equal", [](double a, double b) { return double(a == b); }, true);
  add_binary(
      t, "Greater", [](double a, double b) { return double(a > b); }, true);
  add_binary(
      t, "GreaterOrEqual", [](double a, double b) { return double(a >= b); }, true);
  add_binary(
      t, "Less", [](double a, double b) { return double(a < b); }, true);
  add_binary(
      t, "LessOrEqual", [](double a, double b) { return double(a <= b); }, true);
  add_binary(
      t, "And", [](double a, double b) { return double(a != 0 && b != 0); }, true);
  add_binary(
      t, "Or", [](double a, double b) { return double(a != 0 || b != 0); }, true);
  add_unary(t, "Sqrt", [](double a) { return std::sqrt(a); });
  add_unary(t, "Erf", [](double a) { return std::erf(a); });
  add_unary(t, "Tanh", [](double a) { return std::tanh(a); });
  add_unary(t, "Exp", [](double a) { return std::exp(a); });
  add_unary(t, "Neg", [](double a) { return -a; });
  add_unary(t, "Not", [](double a) { return double(a == 0); });
  add_unary(t, "Identity", [](double a) { return a; });
  t["Gelu"] = [](const ir::Attributes& attrs, const EvalInputs& in) {
    const bool tanh_form = attrs.has("approximate") && attrs.get_string("approximate") == "tanh";
    return broadcast_apply({&required_input(in, 0)}, in[0]->dtype,
                           [tanh_form](const std::vector<double>& v) {
                             const double x = v[0];
                             return tanh_form ? 0.5 * x *
                                                    (1 + std::tanh(std::sqrt(2 / std::numbers::pi) *
                                                                   (x + 0.044715 * x * x * x)))
                                              : 0.5 * x * (1 + std::erf(x / std::numbers::sqrt2));
                           });
  };
  t["Where"] = [](const ir::Attributes&, const EvalInputs& in) {
    const HostTensor& x = required_input(in, 1);
    if (required_input(in, 2).dtype != x.dtype) {
      throw std::runtime_error("Where branches of different element types");
    }
    return broadcast_apply({&required_input(in, 0), in[1], in[2]}, x.dtype,
                           [](const std::vector<double>& v) { return v[0] != 0 ? v[1] : v[2]; });
  };
  t["Cast"] = [](const ir::Attributes& attrs, const EvalInputs& in) {
    return broadcast_apply({&required_input(in, 0)}, onnx_cast_target(attrs.get_int("to")),
                           [](const std::vector<double>& v) { return v[0]; });
  };
}

}  // namespace minirt::converter::onnx
