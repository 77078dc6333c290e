// Random BERT weights for a config alone, named as a checkpoint of that
// architecture would name them ("bert." prefix for a classifier), so they go
// through the same builder as real checkpoints.
#pragma once

#include <cstdint>

#include "converter/import/hf/bert_config.h"
#include "converter/import/hf/tensor_set.h"

namespace minirt::converter::hf {

// Deterministic for a (config, seed): each tensor has its own stream seeded
// from `seed` and its name. Weights and biases ~ normal(0, 0.02) as HF
// initializes matrices (biases too, so they matter in tests); LayerNorm gamma
// ~ 1 + normal(0, 0.02) and beta ~ normal(0, 0.02), near HF's 1 and 0.
TensorSet random_bert_tensors(const BertConfig& config, uint64_t seed);

}  // namespace minirt::converter::hf
