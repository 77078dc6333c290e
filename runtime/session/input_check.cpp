#include "runtime/session/input_check.h"

#include <algorithm>
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

// A packed input's values: position i of the packed tokens.
void check_packed_values(std::span<const int64_t> t, const std::string& name,
                         const InputLimit& limit) {
  for (size_t i = 0; i < t.size(); ++i) {
    const int64_t v = t[i];
    if (v >= 0 && (limit.index_bound == 0 || v < limit.index_bound)) continue;
    throw Error(name + "[" + std::to_string(i) + "] is " + std::to_string(v) + ", must be in [0, " +
                std::to_string(limit.index_bound) + ")");
  }
}

// Offsets into int32 after checking them; returns the longest sequence.
int64_t check_offsets(const Model::Impl& model, std::span<const int64_t> cu, size_t num_ids,
                      std::span<int32_t> offsets) {
  if (cu.size() < 2)
    throw Error("empty batch: cu_seqlens holds " + std::to_string(cu.size()) +
                " offsets; n sequences need n + 1, from 0 to the number of input_ids");
  if (cu[0] != 0) throw Error("cu_seqlens[0] is " + std::to_string(cu[0]) + ", must be 0");
  const size_t count = cu.size() - 1;
  int64_t longest = 0;
  for (size_t b = 0; b < count; ++b) {
    if (cu[b + 1] <= cu[b])
      throw Error("cu_seqlens must increase: cu_seqlens[" + std::to_string(b + 1) +
                  "] = " + std::to_string(cu[b + 1]) + " after cu_seqlens[" + std::to_string(b) +
                  "] = " + std::to_string(cu[b]) + " (every sequence holds at least one token)");
    const int64_t length = cu[b + 1] - cu[b];  // both >= 0: no overflow
    if (length > model.max_seq)
      throw Error("sequence " + std::to_string(b) + " is " + std::to_string(length) +
                  " tokens long, above the model's max seq " + std::to_string(model.max_seq));
    longest = std::max(longest, length);
  }
  const int64_t total = cu[count];
  if (total != static_cast<int64_t>(num_ids))
    throw Error("the last offset cu_seqlens[" + std::to_string(count) + "] is " +
                std::to_string(total) + " but input_ids holds " + std::to_string(num_ids) +
                " tokens");
  if (total > model.max_tokens)
    throw Error("the batch holds " + std::to_string(total) +
                " tokens, above the model's token budget of " + std::to_string(model.max_tokens) +
                " (max_tokens; reconvert with a larger --max-tokens)");
  for (size_t b = 0; b <= count; ++b) offsets[b] = static_cast<int32_t>(cu[b]);
  return longest;
}

}  // namespace

RunShape check_ragged_inputs(const Model::Impl& model, const RaggedInputs& inputs,
                             std::span<const int64_t*> graph_inputs, std::span<int32_t> offsets) {
  if (!model.ragged_refusal.empty())
    throw Error("this model cannot run padding-free batches: " + model.ragged_refusal);
  const int64_t longest = check_offsets(model, inputs.cu_seqlens, inputs.input_ids.size(), offsets);
  const auto count = static_cast<int64_t>(inputs.cu_seqlens.size() - 1);
  if (!inputs.token_type_ids.empty() && inputs.token_type_ids.size() != inputs.input_ids.size())
    throw Error("token_type_ids holds " + std::to_string(inputs.token_type_ids.size()) +
                " values, input_ids " + std::to_string(inputs.input_ids.size()) +
                ": one per token");
  bool types_taken = false;
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    const std::string& name = model.values[static_cast<size_t>(model.inputs[i])].name;
    std::span<const int64_t> values;  // attention_mask: none, a ragged run has no padding
    if (name == "input_ids") values = inputs.input_ids;
    if (name == "token_type_ids") {
      values = inputs.token_type_ids;
      types_taken = true;
    }
    graph_inputs[i] = values.empty() ? nullptr : values.data();
    check_packed_values(values, name, model.input_limits[i]);
  }
  if (!types_taken && !inputs.token_type_ids.empty())
    throw Error("this model takes no token_type_ids");
  return RunShape::packed(count, longest, inputs.cu_seqlens[static_cast<size_t>(count)],
                          offsets.data());
}

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
