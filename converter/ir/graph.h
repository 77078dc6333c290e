// The converter's graph IR: values, ops in execution order, graph inputs and
// outputs, and metadata. Importers build it, passes rewrite it, emit checks
// and writes it. Values and ops refer to each other by index into `values`.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "converter/ir/attributes.h"
#include "converter/ir/dtype.h"
#include "converter/ir/shape.h"
#include "converter/ir/weight_bytes.h"

namespace minirt::ir {

enum class ValueKind : uint8_t { kInput, kOutput, kWeight, kIntermediate };

struct Value {
  std::string name;
  DType dtype = DType::kF32;
  Shape shape;
  ValueKind kind = ValueKind::kIntermediate;
  WeightBytes data;  // only for kWeight: row-major, dtype_size * element_count bytes
};

// Marks an absent optional op input.
inline constexpr int kNoValue = -1;

struct Op {
  std::string type;  // an ir::op_name(), or an importer's prefixed source op
  std::string name;
  Attributes attrs;
  std::vector<int> inputs;
  std::vector<int> outputs;
};

struct Graph {
  std::vector<Value> values;
  std::vector<Op> ops;
  std::vector<int> inputs;
  std::vector<int> outputs;
  std::vector<std::pair<std::string, std::string>> metadata;

  // Appends and returns the new value's index.
  int add_value(Value value);
  int add_weight(std::string name, DType dtype, const std::vector<int64_t>& dims, WeightBytes data);
};

std::string_view value_kind_name(ValueKind kind);

}  // namespace minirt::ir
