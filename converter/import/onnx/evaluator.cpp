#include "converter/import/onnx/evaluator.h"

#include <stdexcept>

namespace minirt::converter::onnx {

const EvalTable& onnx_eval_table() {
  static const EvalTable table = [] {
    EvalTable t;
    add_elementwise_ops(t);
    add_shape_ops(t);
    add_math_ops(t);
    add_quantize_ops(t);
    return t;
  }();
  return table;
}

std::vector<HostTensor> evaluate_onnx_op(const std::string& op_type, const ir::Attributes& attrs,
                                         const EvalInputs& inputs) {
  const auto it = onnx_eval_table().find(op_type);
  if (it == onnx_eval_table().end()) throw std::runtime_error("unsupported op " + op_type);
  return it->second(attrs, inputs);
}

const HostTensor& required_input(const EvalInputs& inputs, size_t i) {
  if (i >= inputs.size() || inputs[i] == nullptr) {
    throw std::runtime_error("input " + std::to_string(i) + " is required");
  }
  return *inputs[i];
}

const HostTensor* optional_input(const EvalInputs& inputs, size_t i) {
  return i < inputs.size() ? inputs[i] : nullptr;
}

std::vector<int64_t> axes_of(const ir::Attributes& attrs, const EvalInputs& inputs) {
  if (attrs.has("axes")) return attrs.get_ints("axes");
  if (const HostTensor* axes = optional_input(inputs, 1)) return axes->ints();
  return {};
}

size_t normalize_axis(int64_t axis, size_t rank) {
  const int64_t r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) {
    throw std::runtime_error("axis " + std::to_string(axis) + " is out of range for rank " +
                             std::to_string(rank));
  }
  return static_cast<size_t>(axis < 0 ? axis + r : axis);
}

void require_dtype(const HostTensor& t, std::initializer_list<ir::DType> types,
                   const std::string& what) {
  std::string names;
  for (ir::DType type : types) {
    if (t.dtype == type) return;
    names += (names.empty() ? "" : " or ") + std::string(ir::dtype_name(type));
  }
  throw std::runtime_error(what + " must be " + names + " (is " +
                           std::string(ir::dtype_name(t.dtype)) + ")");
}

}  // namespace minirt::converter::onnx
