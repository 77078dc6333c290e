// The tensors a BERT checkpoint must hold, with their shapes: the builder
// checks a checkpoint against this list and the random-weight generator
// creates exactly this list.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "converter/import/hf/bert_config.h"

namespace minirt::converter::hf {

enum class TensorRole { kWeight, kBias, kGamma, kBeta };

struct TensorSpec {
  std::string name;  // without the "bert." prefix a task model adds
  std::vector<int64_t> shape;
  TensorRole role;
  bool in_bert_module;  // false for task heads (classifier.*), never prefixed
};

std::vector<TensorSpec> bert_tensor_specs(const BertConfig& config);

// "encoder.layer.3." + suffix
std::string layer_tensor(int64_t layer, const std::string& suffix);

}  // namespace minirt::converter::hf
