#include "converter/import/hf/bert_tensors.h"

namespace minirt::converter::hf {

std::string layer_tensor(int64_t layer, const std::string& suffix) {
  return "encoder.layer." + std::to_string(layer) + "." + suffix;
}

std::vector<TensorSpec> bert_tensor_specs(const BertConfig& config) {
  const int64_t h = config.hidden_size;
  const int64_t f = config.intermediate_size;
  std::vector<TensorSpec> specs;
  auto add = [&specs](std::string name, std::vector<int64_t> shape, TensorRole role) {
    specs.push_back({std::move(name), std::move(shape), role, true});
  };
  // A dense layer [out, in] and its bias, or a LayerNorm's gamma and beta.
  auto dense = [&add](const std::string& name, int64_t out, int64_t in) {
    add(name + ".weight", {out, in}, TensorRole::kWeight);
    add(name + ".bias", {out}, TensorRole::kBias);
  };
  auto layer_norm = [&add, h](const std::string& name) {
    add(name + ".weight", {h}, TensorRole::kGamma);
    add(name + ".bias", {h}, TensorRole::kBeta);
  };

  add("embeddings.word_embeddings.weight", {config.vocab_size, h}, TensorRole::kWeight);
  add("embeddings.position_embeddings.weight", {config.max_position_embeddings, h},
      TensorRole::kWeight);
  add("embeddings.token_type_embeddings.weight", {config.type_vocab_size, h}, TensorRole::kWeight);
  layer_norm("embeddings.LayerNorm");
  for (int64_t l = 0; l < config.num_layers; ++l) {
    dense(layer_tensor(l, "attention.self.query"), h, h);
    dense(layer_tensor(l, "attention.self.key"), h, h);
    dense(layer_tensor(l, "attention.self.value"), h, h);
    dense(layer_tensor(l, "attention.output.dense"), h, h);
    layer_norm(layer_tensor(l, "attention.output.LayerNorm"));
    dense(layer_tensor(l, "intermediate.dense"), f, h);
    dense(layer_tensor(l, "output.dense"), h, f);
    layer_norm(layer_tensor(l, "output.LayerNorm"));
  }
  dense("pooler.dense", h, h);
  if (config.architecture == BertArchitecture::kBertForSequenceClassification) {
    specs.push_back({"classifier.weight", {config.num_labels, h}, TensorRole::kWeight, false});
    specs.push_back({"classifier.bias", {config.num_labels}, TensorRole::kBias, false});
  }
  return specs;
}

}  // namespace minirt::converter::hf
