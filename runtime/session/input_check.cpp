#include "runtime/session/input_check.h"

#include <string>

namespace minirt {
namespace {

std::string shape_str(const Int64Tensor& t) {
  std::string out = "[";
  for (int i = 0; i < t.rank; ++i) {
    if (i) out += ',';
    out += std::to_string(t.shape[static_cast<size_t>(i)]);
  }
  return out + "]";
}

void check_values(const Int64Tensor& t, const std::string& name, const InputLimit& limit,
                  int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    const int64_t v = t.data[i];
    const bool bad = limit.binary ? (v != 0 && v != 1)
                                  : (v < 0 || (limit.index_bound > 0 && v >= limit.index_bound));
    if (!bad) continue;
    const std::string allowed =
        limit.binary ? "0 or 1" : "in [0, " + std::to_string(limit.index_bound) + ")";
    throw Error(name + "[" + std::to_string(i / t.shape[1]) + "," + std::to_string(i % t.shape[1]) +
                "] is " + std::to_string(v) + ", must be " + allowed);
  }
}

}  // namespace

RunShape check_inputs(const Model::Impl& model, const Inputs& inputs,
                      std::span<const int64_t*> graph_inputs) {
  const Int64Tensor& ids = inputs.input_ids;
  if (model.inputs.empty()) {  // a constant graph: it takes nothing
    if (!ids.empty() || !inputs.attention_mask.empty() || !inputs.token_type_ids.empty())
      throw Error("this model takes no inputs");
    return RunShape(1, 1);
  }
  if (ids.empty()) throw Error("input_ids is required");
  if (ids.rank != 2) throw Error("input_ids must be [batch, seq], got " + shape_str(ids));
  const RunShape shape(ids.shape[0], ids.shape[1]);
  if (shape.batch < 1 || shape.batch > model.max_batch)
    throw Error("batch " + std::to_string(shape.batch) + " is outside 1.." +
                std::to_string(model.max_batch) +
                " (the model's max batch; reconvert with a larger --max-batch)");
  if (shape.seq < 1 || shape.seq > model.max_seq)
    throw Error("seq " + std::to_string(shape.seq) + " is outside 1.." +
                std::to_string(model.max_seq) + " (the model's max seq)");
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    const std::string& name = model.values[static_cast<size_t>(model.inputs[i])].name;
    const Int64Tensor& t = *inputs.find(name);  // the checker admits only known names
    graph_inputs[i] = t.data;
    if (t.empty()) {
      if (name == "input_ids") throw Error("input_ids is required");
      continue;
    }
    if (t.rank != 2 || t.shape[0] != shape.batch || t.shape[1] != shape.seq)
      throw Error(name + " has shape " + shape_str(t) + ", expected " + shape_str(ids) +
                  " like input_ids");
    check_values(t, name, model.input_limits[i], shape.tokens);
  }
  for (const char* name : {"attention_mask", "token_type_ids"}) {
    bool taken = false;
    for (int32_t v : model.inputs) taken |= model.values[static_cast<size_t>(v)].name == name;
    if (!taken && !inputs.find(name)->empty())
      throw Error(std::string("this model takes no ") + name);
  }
  return shape;
}

}  // namespace minirt
