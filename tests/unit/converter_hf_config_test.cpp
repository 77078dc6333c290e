// The config.json reader: what it reads, the defaults it fills in, the GELU
// variants it maps, and the configs it refuses.
#include <doctest/doctest.h>

#include <string>

#include "converter/import/hf/bert_config.h"

namespace {

using minirt::converter::hf::BertArchitecture;
using minirt::converter::hf::BertConfig;
using minirt::converter::hf::GeluKind;
using minirt::converter::hf::parse_bert_config;

// A minimal valid config; `extra` is spliced in as more keys.
std::string config_json(const std::string& extra = "") {
  std::string j = R"({"model_type": "bert", "hidden_size": 64, "num_attention_heads": 4,
    "num_hidden_layers": 2, "intermediate_size": 256, "vocab_size": 1000,
    "max_position_embeddings": 128, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
    "hidden_act": "gelu")";
  if (!extra.empty()) j += ", " + extra;
  return j + "}";
}

BertConfig parse(const std::string& extra = "") {
  return parse_bert_config(config_json(extra), "test.json");
}

std::string error_of(const std::string& json) {
  try {
    parse_bert_config(json, "test.json");
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("hf config: reads the sizes of a BertModel") {
  const BertConfig c = parse();
  CHECK(c.architecture == BertArchitecture::kBertModel);
  CHECK(c.hidden_size == 64);
  CHECK(c.num_heads == 4);
  CHECK(c.head_dim() == 16);
  CHECK(c.num_layers == 2);
  CHECK(c.intermediate_size == 256);
  CHECK(c.vocab_size == 1000);
  CHECK(c.max_position_embeddings == 128);
  CHECK(c.type_vocab_size == 2);
  CHECK(c.layer_norm_eps == 1e-12f);
  CHECK(c.hidden_act == "gelu");
  CHECK(c.gelu == GeluKind::kErf);
  CHECK(c.num_labels == 0);
}

TEST_CASE("hf config: missing keys take BertConfig's defaults") {
  const BertConfig c = parse_bert_config(R"({"model_type": "bert"})", "test.json");
  CHECK(c.hidden_size == 768);
  CHECK(c.num_heads == 12);
  CHECK(c.num_layers == 12);
  CHECK(c.intermediate_size == 3072);
  CHECK(c.vocab_size == 30522);
  CHECK(c.max_position_embeddings == 512);
  CHECK(c.type_vocab_size == 2);
  CHECK(c.layer_norm_eps == 1e-12f);
  CHECK(c.gelu == GeluKind::kErf);
}

TEST_CASE("hf config: GELU variants map to erf or tanh") {
  for (const char* act : {"gelu", "gelu_python"}) {
    CAPTURE(act);
    CHECK(parse(std::string(R"("hidden_act": ")") + act + "\"").gelu == GeluKind::kErf);
  }
  for (const char* act : {"gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_accurate"}) {
    CAPTURE(act);
    CHECK(parse(std::string(R"("hidden_act": ")") + act + "\"").gelu == GeluKind::kTanh);
  }
  for (const char* act : {"relu", "quick_gelu", "silu", "gelu_10"}) {
    CAPTURE(act);
    CHECK(contains(error_of(config_json(std::string(R"("hidden_act": ")") + act + "\"")),
                   std::string("hidden_act \"") + act + "\" is not supported"));
  }
}

TEST_CASE("hf config: the architecture and label count") {
  SUBCASE("from architectures and id2label") {
    const BertConfig c = parse(R"("architectures": ["BertForSequenceClassification"],
                                  "id2label": {"0": "neg", "1": "neu", "2": "pos"})");
    CHECK(c.architecture == BertArchitecture::kBertForSequenceClassification);
    CHECK(c.num_labels == 3);
  }
  SUBCASE("from num_labels") {
    const BertConfig c =
        parse(R"("architectures": ["BertForSequenceClassification"], "num_labels": 5)");
    CHECK(c.num_labels == 5);
  }
  SUBCASE("a classifier without labels has HF's default two") {
    CHECK(parse(R"("architectures": ["BertForSequenceClassification"])").num_labels == 2);
  }
  SUBCASE("no architectures: labels make a classifier") {
    const BertConfig c = parse(R"("id2label": {"0": "a", "1": "b", "2": "c"})");
    CHECK(c.architecture == BertArchitecture::kBertForSequenceClassification);
    CHECK(c.num_labels == 3);
  }
  SUBCASE("BertModel ignores labels") {
    const BertConfig c = parse(R"("architectures": ["BertModel"], "num_labels": 3)");
    CHECK(c.architecture == BertArchitecture::kBertModel);
    CHECK(c.num_labels == 0);
  }
}

TEST_CASE("hf config: refuses what it cannot convert, naming the key") {
  CHECK(contains(error_of("{not json"), "test.json: invalid JSON"));
  CHECK(contains(error_of("[1]"), "test.json: config must be a JSON object"));
  // nlohmann throws out_of_range, not parse_error, for a number no double holds.
  CHECK(contains(error_of(config_json(R"("initializer_range": 1e512)")),
                 "test.json: invalid JSON: [json.exception.out_of_range.406] number overflow"));
  CHECK(contains(error_of(R"({"model_type": "bert", "layer_norm_eps": 1e300})"),
                 "layer_norm_eps must be in (0, 1], got 1e+300"));
  CHECK(contains(error_of(R"({"hidden_size": 64})"), "missing model_type"));
  CHECK(contains(error_of(R"({"model_type": "roberta"})"),
                 "model_type \"roberta\" is not supported"));
  CHECK(contains(error_of(config_json(R"("architectures": ["BertForMaskedLM"])")),
                 "architecture BertForMaskedLM is not supported"));
  CHECK(contains(error_of(config_json(R"("architectures": [])")),
                 "architectures must be a non-empty list"));
  CHECK(contains(error_of(R"({"model_type": "bert", "hidden_size": 60, "num_attention_heads": 7})"),
                 "hidden_size 60 is not divisible by num_attention_heads 7"));
  CHECK(contains(error_of(R"({"model_type": "bert", "num_hidden_layers": 0})"),
                 "num_hidden_layers must be positive, got 0"));
  CHECK(contains(error_of(R"({"model_type": "bert", "vocab_size": -5})"),
                 "vocab_size must be positive, got -5"));
  CHECK(contains(error_of(R"({"model_type": "bert", "hidden_size": "64"})"),
                 "hidden_size must be an integer"));
  CHECK(contains(error_of(R"({"model_type": "bert", "hidden_size": 64.5})"),
                 "hidden_size must be an integer"));
  CHECK(contains(error_of(R"({"model_type": "bert", "layer_norm_eps": 0})"),
                 "layer_norm_eps must be in (0, 1]"));
  CHECK(contains(error_of(R"({"model_type": "bert", "hidden_act": 3})"),
                 "hidden_act must be a string"));
  CHECK(contains(
      error_of(config_json(R"("num_labels": 2, "id2label": {"0": "a", "1": "b", "2": "c"})")),
      "num_labels 2 disagrees with id2label's 3 labels"));
  CHECK(contains(error_of(config_json(R"("position_embedding_type": "relative_key")")),
                 "only absolute position embeddings"));
  CHECK(contains(error_of(config_json(R"("is_decoder": true)")), "decoder"));
}
