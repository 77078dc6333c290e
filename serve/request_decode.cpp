#include "serve/request_decode.h"

#include <algorithm>

namespace minirt::serve {

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ',';
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

Status invalid(std::string message) { return {StatusCode::kInvalidArgument, std::move(message)}; }

}  // namespace

int64_t element_count(const std::vector<int64_t>& shape, int64_t limit) {
  int64_t n = 1;
  for (const int64_t d : shape) {
    if (d < 0) return -1;
    if (d != 0 && n > limit / d) return -1;
    n *= d;
  }
  return n;
}

Status decode_tokens(const ServedModel& model, std::vector<RawInput>& inputs, TokenBlock* tokens) {
  const ModelSummary& s = model.summary;
  if (inputs.empty()) return invalid("request has no inputs");
  std::vector<int64_t> shape;
  for (RawInput& in : inputs) {
    const auto info = std::find_if(s.inputs.begin(), s.inputs.end(),
                                   [&](const InputInfo& i) { return i.name == in.name; });
    if (info == s.inputs.end()) {
      std::string known;
      for (const InputInfo& i : s.inputs) {
        if (!known.empty()) known += ", ";
        known += i.name;
      }
      return invalid("unknown input '" + in.name + "' (model '" + model.name + "' takes " + known +
                     ")");
    }
    if (in.datatype == "BYTES") {
      // Text input: tokenized by the model's tokenizer once models carry one;
      // until then there is nothing to turn text into ids with.
      return invalid("input '" + in.name + "' is BYTES (text), but model '" + model.name +
                     "' has no tokenizer: send INT64 token ids");
    }
    if (in.datatype != "INT64")
      return invalid("input '" + in.name + "' has datatype " + in.datatype + "; it must be INT64");
    if (in.shape.size() != 1 && in.shape.size() != 2)
      return invalid("input '" + in.name + "' has shape " + shape_text(in.shape) +
                     "; it must be [batch, seq] or [seq]");
    const int64_t rows = in.shape.size() == 2 ? in.shape[0] : 1, seq = in.shape.back();
    if (rows < 1 || seq < 1)
      return invalid("input '" + in.name + "' has shape " + shape_text(in.shape) +
                     "; every dim must be at least 1");
    if (rows > s.max_batch || seq > s.max_seq)
      return invalid("input '" + in.name + "' shape " + shape_text(in.shape) + " is over model '" +
                     model.name + "' limits: batch " + std::to_string(s.max_batch) + ", seq " +
                     std::to_string(s.max_seq));
    if (shape.empty()) shape = in.shape;
    if (in.shape != shape)
      return invalid("input '" + in.name + "' has shape " + shape_text(in.shape) +
                     " but another input has " + shape_text(shape));
    if (static_cast<int64_t>(in.values.size()) != rows * seq)
      return invalid("input '" + in.name + "' has " + std::to_string(in.values.size()) +
                     " values; shape " + shape_text(in.shape) + " needs " +
                     std::to_string(rows * seq));
    for (const int64_t v : in.values) {
      const bool bad = info->binary ? (v != 0 && v != 1)
                                    : (v < 0 || (info->index_bound > 0 && v >= info->index_bound));
      if (bad)
        return invalid("input '" + in.name + "' has value " + std::to_string(v) + "; it must be " +
                       (info->binary ? std::string("0 or 1")
                                     : "in [0, " + std::to_string(info->index_bound) + ")"));
    }
  }
  for (size_t i = 0; i < inputs.size(); ++i)
    for (size_t j = i + 1; j < inputs.size(); ++j)
      if (inputs[i].name == inputs[j].name)
        return invalid("input '" + inputs[i].name + "' given twice");
  *tokens = TokenBlock{};
  tokens->rows = shape.size() == 2 ? shape[0] : 1;
  tokens->seq = shape.back();
  tokens->one_d = shape.size() == 1;
  bool have_ids = false;
  for (RawInput& in : inputs) {
    if (in.name == "input_ids") {
      tokens->input_ids = std::move(in.values);
      have_ids = true;
    } else if (in.name == "attention_mask") {
      tokens->attention_mask = std::move(in.values);
    } else if (in.name == "token_type_ids") {
      tokens->token_type_ids = std::move(in.values);
    } else {
      return invalid("input '" + in.name + "' is not one minirt-serve feeds");
    }
  }
  if (!have_ids) return invalid("request has no input_ids");
  return {};
}

Status check_requested_outputs(const ServedModel& model, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    const bool known = std::any_of(model.outputs.begin(), model.outputs.end(),
                                   [&](const OutputInfo& o) { return o.name == name; });
    if (!known) return invalid("unknown output '" + name + "' of model '" + model.name + "'");
  }
  return {};
}

}  // namespace minirt::serve
