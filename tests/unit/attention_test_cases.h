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

#include "ops/cpu/attention.h"
#include "ops/ref/bf16.h"
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

// The bf16-products kernel on args (every field set but dst; `tokens` rows of
// qkv) against ref::attention on the same QKV rounded to bf16, as the kernel
// rounds Q, K and V. The products of bf16 pairs are exact in fp32, so what
// remains is the rounding of the softmax weights to bf16 before P V: each
// weight p_t is off by a relative |delta_t| <= 2^-8 (half an ulp of 8
// significant bits, 7 stored, round to nearest even), so output d is off by
// at most 2^-8 * sum_t p_t |v_t[d]|, which is ref::attention run on |V|. The 1e-5 on
// top covers the fp32 sums (the fp32 kernel keeps within 2e-6 (1 + max |out|)
// of ref on the data of these tests). args.dst gets the kernel's output.
// Returns the largest error over its budget, for a MESSAGE.
inline double check_bf16_products(ref::AttentionArgs args, int64_t tokens,
                                  cpu::AttentionKernel kernel) {
  const int64_t width = args.num_heads * args.head_dim, count = tokens * width;
  std::vector<float> rounded(args.qkv, args.qkv + tokens * 3 * width);
  for (float& x : rounded) x = ref::round_to_bf16(x);
  std::vector<float> absolute_values = rounded;
  for (int64_t i = 0; i < tokens * 3 * width; ++i) {
    if (i % (3 * width) >= 2 * width) absolute_values[i] = std::fabs(absolute_values[i]);
  }
  std::vector<float> got(count), want(count), weighted_abs(count);
  SerialParallel serial;
  kernel(args, serial);  // on the unrounded qkv: the kernel rounds
  std::copy_n(args.dst, count, got.begin());
  args.qkv = rounded.data();
  args.dst = want.data();
  ref::attention(args, serial);
  args.qkv = absolute_values.data();
  args.dst = weighted_abs.data();
  ref::attention(args, serial);
  double worst = 0.0;
  for (int64_t i = 0; i < count; ++i) {
    const double budget = std::ldexp(double{weighted_abs[i]}, -8) + 1e-5;
    const double error = std::fabs(double{got[i]} - double{want[i]});
    worst = std::max(worst, error / budget);
    if (!(error <= budget)) {
      CAPTURE(i);
      CAPTURE(error);
      CAPTURE(budget);
      CHECK(error <= budget);
      break;
    }
  }
  return worst;
}

}  // namespace minirt::test
