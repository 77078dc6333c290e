#include "converter/passes/pass_context.h"

#include <cmath>
#include <cstring>

#include "converter/import/onnx/onnx_import.h"

namespace minirt::converter::passes {

GraphIndex::GraphIndex(const ir::Graph& g)
    : producer_(g.values.size(), -1), uses_(g.values.size(), 0), g_(g) {
  for (size_t i = 0; i < g.ops.size(); ++i) {
    for (int id : g.ops[i].outputs) producer_[id] = static_cast<int>(i);
    for (int id : g.ops[i].inputs) {
      if (id != ir::kNoValue) ++uses_[id];
    }
  }
  for (int id : g.outputs) ++uses_[id];
}

int GraphIndex::producer_index(int id) const {
  return id >= 0 && static_cast<size_t>(id) < producer_.size() ? producer_[id] : -1;
}

const ir::Op* GraphIndex::producer(int id) const {
  const int i = producer_index(id);
  return i < 0 ? nullptr : &g_.ops[i];
}

const ir::Op* GraphIndex::onnx_producer(int id, std::string_view type) const {
  const ir::Op* op = producer(id);
  return op != nullptr && onnx::onnx_op_type(*op) == type ? op : nullptr;
}

int GraphIndex::use_count(int id) const { return uses_[id]; }

bool is_weight(const ir::Graph& g, int id) {
  return id >= 0 && g.values[id].kind == ir::ValueKind::kWeight;
}

std::vector<float> weight_floats(const ir::Graph& g, int id) {
  const ir::Value& v = g.values[id];
  const std::span<const uint8_t> bytes = v.data.bytes();
  std::vector<float> out(bytes.size() / ir::dtype_size(v.dtype));
  for (size_t i = 0; i < out.size(); ++i) {
    if (v.dtype == ir::DType::kF32) {
      std::memcpy(&out[i], bytes.data() + 4 * i, 4);
    } else if (v.dtype == ir::DType::kI64) {
      int64_t x;
      std::memcpy(&x, bytes.data() + 8 * i, 8);
      out[i] = static_cast<float>(x);
    } else {
      out[i] = bytes[i];
    }
  }
  return out;
}

std::optional<double> scalar_weight(const ir::Graph& g, int id) {
  if (!is_weight(g, id) || ir::element_count(g.values[id].shape) != 1) return std::nullopt;
  return weight_floats(g, id)[0];
}

std::vector<int64_t> const_dims(const ir::Shape& shape) {
  std::vector<int64_t> dims;
  for (const ir::Dim& d : shape) {
    if (!d.is_constant()) return {};
    dims.push_back(d.factor);
  }
  return dims;
}

bool close_to(double value, double expected) {
  return std::abs(value - expected) <= 1e-6 * std::abs(expected);
}

int add_f32_weight(ir::Graph& g, const std::string& name, const std::vector<int64_t>& dims,
                   std::vector<float> values) {
  return g.add_weight(name, ir::DType::kF32, dims, ir::WeightBytes::owned(std::move(values)));
}

int add_f32_value(ir::Graph& g, const std::string& name, ir::Shape shape) {
  return g.add_value(
      ir::Value{name, ir::DType::kF32, std::move(shape), ir::ValueKind::kIntermediate, {}});
}

}  // namespace minirt::converter::passes
