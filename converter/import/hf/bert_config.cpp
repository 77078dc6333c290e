#include "converter/import/hf/bert_config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace minirt::converter::hf {

namespace {

using nlohmann::json;

class ConfigReader {
 public:
  ConfigReader(const json& j, const std::string& origin) : j_(j), origin_(origin) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(origin_ + ": " + what);
  }

  bool has(const char* key) const { return j_.contains(key) && !j_.at(key).is_null(); }

  int64_t positive_int(const char* key, int64_t fallback) const {
    if (!has(key)) return fallback;
    const json& v = j_.at(key);
    if (!v.is_number_integer()) fail(std::string(key) + " must be an integer");
    if (v.is_number_unsigned() && v.get<uint64_t>() > std::numeric_limits<int32_t>::max()) {
      fail(std::string(key) + " is too large");
    }
    const auto n = v.get<int64_t>();
    if (n <= 0) fail(std::string(key) + " must be positive, got " + std::to_string(n));
    return n;
  }

  std::string string(const char* key, const char* fallback) const {
    if (!has(key)) return fallback;
    if (!j_.at(key).is_string()) fail(std::string(key) + " must be a string");
    return j_.at(key).get<std::string>();
  }

 private:
  const json& j_;
  const std::string& origin_;
};

GeluKind gelu_kind(const ConfigReader& r, const std::string& act) {
  // transformers' ACT2FN: these compute 0.5x(1+erf(x/sqrt2)) ...
  if (act == "gelu" || act == "gelu_python") return GeluKind::kErf;
  // ... and these 0.5x(1+tanh(sqrt(2/pi)(x+0.044715x^3))).
  if (act == "gelu_new" || act == "gelu_pytorch_tanh" || act == "gelu_fast" ||
      act == "gelu_accurate")
    return GeluKind::kTanh;
  r.fail("hidden_act \"" + act +
         "\" is not supported (gelu, gelu_python, gelu_new, gelu_pytorch_tanh, gelu_fast, "
         "gelu_accurate are)");
}

BertArchitecture architecture(const json& j, const ConfigReader& r) {
  if (!r.has("architectures")) {
    return r.has("id2label") || r.has("num_labels")
               ? BertArchitecture::kBertForSequenceClassification
               : BertArchitecture::kBertModel;
  }
  const json& list = j.at("architectures");
  if (!list.is_array() || list.empty() || !list[0].is_string()) {
    r.fail("architectures must be a non-empty list of strings");
  }
  const auto name = list[0].get<std::string>();
  if (name == "BertModel") return BertArchitecture::kBertModel;
  if (name == "BertForSequenceClassification") {
    return BertArchitecture::kBertForSequenceClassification;
  }
  r.fail("architecture " + name +
         " is not supported (BertModel and BertForSequenceClassification are)");
}

int64_t num_labels(const json& j, const ConfigReader& r) {
  int64_t from_map = 0;
  if (r.has("id2label")) {
    if (!j.at("id2label").is_object() || j.at("id2label").empty()) {
      r.fail("id2label must be a non-empty object");
    }
    from_map = static_cast<int64_t>(j.at("id2label").size());
  }
  const int64_t n = r.positive_int("num_labels", from_map > 0 ? from_map : 2);
  if (from_map > 0 && n != from_map) {
    r.fail("num_labels " + std::to_string(n) + " disagrees with id2label's " +
           std::to_string(from_map) + " labels");
  }
  return n;
}

}  // namespace

BertConfig parse_bert_config(std::string_view json_text, const std::string& origin) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    throw std::runtime_error(origin + ": invalid JSON: " + e.what());
  }
  if (!j.is_object()) throw std::runtime_error(origin + ": config must be a JSON object");
  ConfigReader r(j, origin);

  if (!r.has("model_type")) r.fail("missing model_type (expected \"bert\")");
  const std::string model_type = r.string("model_type", "");
  if (model_type != "bert") {
    r.fail("model_type \"" + model_type + "\" is not supported (only \"bert\" is)");
  }
  if (r.string("position_embedding_type", "absolute") != "absolute") {
    r.fail("only absolute position embeddings are supported");
  }
  if (r.has("is_decoder") && j.at("is_decoder") == true) {
    r.fail("decoder (causal) BERT is not supported");
  }

  BertConfig c;
  c.architecture = architecture(j, r);
  c.hidden_size = r.positive_int("hidden_size", 768);
  c.num_heads = r.positive_int("num_attention_heads", 12);
  c.num_layers = r.positive_int("num_hidden_layers", 12);
  c.intermediate_size = r.positive_int("intermediate_size", 3072);
  c.vocab_size = r.positive_int("vocab_size", 30522);
  c.max_position_embeddings = r.positive_int("max_position_embeddings", 512);
  c.type_vocab_size = r.positive_int("type_vocab_size", 2);
  if (r.has("layer_norm_eps")) {
    const json& eps = j.at("layer_norm_eps");
    if (!eps.is_number()) r.fail("layer_norm_eps must be a number");
    // Range-checked as a double: a float cast of 1e300 is undefined.
    const auto value = eps.get<double>();
    c.layer_norm_eps = value > 0 && value <= 1 ? static_cast<float>(value) : 0.0f;
    if (!(c.layer_norm_eps > 0)) r.fail("layer_norm_eps must be in (0, 1], got " + eps.dump());
  } else {
    c.layer_norm_eps = 1e-12f;
  }
  c.hidden_act = r.string("hidden_act", "gelu");
  c.gelu = gelu_kind(r, c.hidden_act);
  if (c.architecture == BertArchitecture::kBertForSequenceClassification) {
    c.num_labels = num_labels(j, r);
  }
  if (c.hidden_size % c.num_heads != 0) {
    r.fail("hidden_size " + std::to_string(c.hidden_size) +
           " is not divisible by num_attention_heads " + std::to_string(c.num_heads));
  }
  return c;
}

BertConfig read_bert_config(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_bert_config(text.str(), path.string());
}

std::string_view architecture_name(BertArchitecture architecture) {
  switch (architecture) {
    case BertArchitecture::kBertModel:
      return "BertModel";
    case BertArchitecture::kBertForSequenceClassification:
      return "BertForSequenceClassification";
  }
  return "?";
}

}  // namespace minirt::converter::hf
