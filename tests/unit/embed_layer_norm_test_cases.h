// Random cases for the EmbedLayerNorm kernel tests: ids, token types, a
// right-padded mask and the three tables, with the args that read them.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "ops/ref/kernels.h"
#include "tests/unit/test_util.h"

namespace minirt::test {

struct EmbedShape {
  int64_t batch, seq, hidden;
};

struct EmbedCase {
  static constexpr int64_t kVocab = 50, kTypeVocab = 2;

  EmbedCase(std::mt19937& rng, EmbedShape s)
      : shape(s),
        ids(random_ints(rng, s.batch * s.seq, 0, kVocab - 1)),
        types(random_ints(rng, s.batch * s.seq, 0, kTypeVocab - 1)),
        mask(random_padded_mask(rng, s.batch, s.seq)),
        word(random_floats(rng, kVocab * s.hidden)),
        position(random_floats(rng, (s.seq + 3) * s.hidden)),  // more rows than seq, as a model has
        token_type(random_floats(rng, kTypeVocab * s.hidden)),
        gamma(random_floats(rng, s.hidden, 0.5f, 1.5f)),
        beta(random_floats(rng, s.hidden)) {}

  // Every field but dst and mask_bias; without types or mask, those inputs are absent.
  ref::EmbedLayerNormArgs args(bool with_types, bool with_mask) const {
    ref::EmbedLayerNormArgs a;
    a.input_ids = ids.data();
    a.token_type_ids = with_types ? types.data() : nullptr;
    a.attention_mask = with_mask ? mask.data() : nullptr;
    a.word = word.data();
    a.position = position.data();
    a.token_type = token_type.data();
    a.gamma = gamma.data();
    a.beta = beta.data();
    a.batch = shape.batch;
    a.seq = shape.seq;
    a.hidden = shape.hidden;
    return a;
  }

  EmbedShape shape;
  std::vector<int64_t> ids, types, mask;
  std::vector<float> word, position, token_type, gamma, beta;
};

}  // namespace minirt::test
