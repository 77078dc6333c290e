// Random cases for the attention kernel tests: packed QKV and additive mask
// biases as EmbedLayerNorm writes them (0 for a kept key, the lowest float
// for a padded one).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <vector>

#include "ops/ref/kernels.h"
#include "tests/unit/test_util.h"

namespace minirt::test {

constexpr float kMaskedBias = std::numeric_limits<float>::lowest();

enum class MaskKind { kNone, kPadded, kFirstFullyMasked };

// [batch, seq]: no padding, right-padded rows, or padded rows with the first
// row fully masked.
inline std::vector<float> make_mask_bias(std::mt19937& rng, int64_t batch, int64_t seq,
                                         MaskKind kind) {
  std::vector<float> bias(batch * seq, 0.0f);
  if (kind == MaskKind::kNone) return bias;
  const std::vector<int64_t> mask = random_padded_mask(rng, batch, seq);
  for (size_t i = 0; i < bias.size(); ++i) bias[i] = mask[i] != 0 ? 0.0f : kMaskedBias;
  if (kind == MaskKind::kFirstFullyMasked) std::fill_n(bias.begin(), seq, kMaskedBias);
  return bias;
}

struct AttentionShape {
  int64_t batch, seq, num_heads, head_dim;
};

// For each shape, random QKV in [-2, 2] (scores of a few units: peaked, yet
// every key counts) under each mask kind: check(args, kind) with every field
// of args set but dst, and scale 1/sqrt(head_dim).
template <typename Check>
void for_each_attention_case(std::mt19937& rng, std::initializer_list<AttentionShape> shapes,
                             Check&& check) {
  for (const AttentionShape& shape : shapes) {
    const int64_t tokens = shape.batch * shape.seq, width = shape.num_heads * shape.head_dim;
    const std::vector<float> qkv = random_floats(rng, tokens * 3 * width, -2.0f, 2.0f);
    for (MaskKind kind : {MaskKind::kNone, MaskKind::kPadded, MaskKind::kFirstFullyMasked}) {
      CAPTURE(shape.batch);
      CAPTURE(shape.seq);
      CAPTURE(shape.num_heads);
      CAPTURE(shape.head_dim);
      CAPTURE(static_cast<int>(kind));
      const std::vector<float> mask_bias = make_mask_bias(rng, shape.batch, shape.seq, kind);
      ref::AttentionArgs args;
      args.qkv = qkv.data();
      args.mask_bias = mask_bias.data();
      args.batch = shape.batch;
      args.seq = shape.seq;
      args.num_heads = shape.num_heads;
      args.head_dim = shape.head_dim;
      args.scale = 1.0f / std::sqrt(static_cast<float>(shape.head_dim));
      check(args, kind);
    }
  }
}

}  // namespace minirt::test
