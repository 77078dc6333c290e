// The parts of a Hugging Face BERT config.json that shape the graph.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace minirt::converter::hf {

enum class BertArchitecture { kBertModel, kBertForSequenceClassification };

// HF's GELU variants come in two exact formulas: the erf one and the tanh
// approximation.
enum class GeluKind { kErf, kTanh };

struct BertConfig {
  BertArchitecture architecture = BertArchitecture::kBertModel;
  int64_t hidden_size = 0;
  int64_t num_heads = 0;
  int64_t num_layers = 0;
  int64_t intermediate_size = 0;
  int64_t vocab_size = 0;
  int64_t max_position_embeddings = 0;
  int64_t type_vocab_size = 0;
  float layer_norm_eps = 0;
  std::string hidden_act;  // as written in config.json
  GeluKind gelu = GeluKind::kErf;
  int64_t num_labels = 0;  // classifier outputs; 0 for BertModel

  int64_t head_dim() const { return hidden_size / num_heads; }
};

// Keys that config.json leaves out take BertConfig's defaults, as in
// transformers. The architecture is the first of "architectures"; without
// that key, a config that names labels (id2label or num_labels) is a
// sequence classifier, any other a BertModel. `origin` prefixes errors.
BertConfig parse_bert_config(std::string_view json_text, const std::string& origin);
BertConfig read_bert_config(const std::filesystem::path& path);

std::string_view architecture_name(BertArchitecture architecture);

}  // namespace minirt::converter::hf
