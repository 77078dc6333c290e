#include "converter/ir/graph.h"

namespace minirt::ir {

int Graph::add_value(Value value) {
  values.push_back(std::move(value));
  return static_cast<int>(values.size()) - 1;
}

int Graph::add_weight(std::string name, DType dtype, const std::vector<int64_t>& dims,
                      WeightBytes data) {
  return add_value(
      Value{std::move(name), dtype, const_shape(dims), ValueKind::kWeight, std::move(data)});
}

std::string_view value_kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::kInput:
      return "Input";
    case ValueKind::kOutput:
      return "Output";
    case ValueKind::kWeight:
      return "Weight";
    case ValueKind::kIntermediate:
      return "Intermediate";
  }
  return "?";
}

}  // namespace minirt::ir
