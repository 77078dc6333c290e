#include "serve/request_decode.h"

#include <algorithm>

#include "minirt/tokenizer.h"

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

bool is_text(const RawInput& in) {
  return in.datatype == "BYTES" || in.name == kTextInput || in.name == kTextPairInput;
}

// Text inputs: "text" [N] and optionally "text_pair" [N], BYTES, alone.
Status decode_text(const ServedModel& model, std::vector<RawInput>& inputs, TokenBlock* tokens) {
  const Tokenizer* tokenizer = model.model->tokenizer();
  const RawInput* text = nullptr;
  const RawInput* pair = nullptr;
  for (const RawInput& in : inputs) {
    if (in.datatype == "BYTES" && tokenizer == nullptr)
      return invalid("input '" + in.name + "' is BYTES (text), but model '" + model.name +
                     "' has no tokenizer: send INT64 token ids");
    if (in.name != kTextInput && in.name != kTextPairInput)
      return invalid("input '" + in.name + "' cannot go with text: send '" + kTextInput +
                     "' (and '" + kTextPairInput + "') alone, or token ids alone");
    if (in.datatype != "BYTES")
      return invalid("input '" + in.name + "' has datatype " + in.datatype + "; it must be BYTES");
    const RawInput*& slot = in.name == kTextInput ? text : pair;
    if (slot != nullptr) return invalid("input '" + in.name + "' given twice");
    slot = &in;
    if (in.shape.size() != 1 || in.shape[0] < 1)
      return invalid("input '" + in.name + "' has shape " + shape_text(in.shape) +
                     "; it must be [n], n >= 1: one text per element");
    if (in.shape[0] > model.summary.max_batch)
      return invalid("input '" + in.name + "' holds " + std::to_string(in.shape[0]) +
                     " texts, over model '" + model.name + "' max batch " +
                     std::to_string(model.summary.max_batch));
    if (static_cast<int64_t>(in.texts.size()) != in.shape[0])
      return invalid("input '" + in.name + "' has " + std::to_string(in.texts.size()) +
                     " elements; shape " + shape_text(in.shape) + " needs " +
                     std::to_string(in.shape[0]));
  }
  if (text == nullptr) return invalid(std::string("text request has no '") + kTextInput + "'");
  if (pair != nullptr && pair->shape != text->shape)
    return invalid(std::string("input '") + kTextPairInput + "' has shape " +
                   shape_text(pair->shape) + " but '" + kTextInput + "' has " +
                   shape_text(text->shape));
  PaddedBatch padded;
  try {
    padded = tokenizer->pad(
        tokenizer->encode_batch(text->texts, pair ? std::span<const std::string>(pair->texts)
                                                  : std::span<const std::string>()));
  } catch (const Error& e) {
    return invalid(std::string("text could not be tokenized: ") + e.what());
  }
  if (padded.seq > model.summary.max_seq)
    return invalid("text is " + std::to_string(padded.seq) + " tokens, over model '" + model.name +
                   "' max seq " + std::to_string(model.summary.max_seq));
  *tokens = TokenBlock{};
  tokens->rows = padded.batch;
  tokens->seq = padded.seq;
  tokens->input_ids = std::move(padded.input_ids);
  tokens->attention_mask = std::move(padded.attention_mask);
  // A model without a token_type_ids input takes none.
  if (std::any_of(model.summary.inputs.begin(), model.summary.inputs.end(),
                  [](const InputInfo& i) { return i.name == "token_type_ids"; }))
    tokens->token_type_ids = std::move(padded.token_type_ids);
  measure_rows(*tokens);
  return {};
}

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
  if (std::any_of(inputs.begin(), inputs.end(), is_text)) return decode_text(model, inputs, tokens);
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
  measure_rows(*tokens);
  return {};
}

Status split_bytes_elements(std::string_view bytes, const std::string& name,
                            std::vector<std::string>* out) {
  while (!bytes.empty()) {
    if (bytes.size() < 4)
      return invalid("input '" + name + "' BYTES data ends inside a length prefix");
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const uint32_t n = p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t{p[3]} << 24);
    bytes.remove_prefix(4);
    if (n > bytes.size())
      return invalid("input '" + name + "' BYTES element of " + std::to_string(n) +
                     " bytes runs past its data");
    out->emplace_back(bytes.substr(0, n));
    bytes.remove_prefix(n);
  }
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
