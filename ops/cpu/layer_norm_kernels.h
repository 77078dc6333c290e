// Vectorized residual + LayerNorm and embedding + LayerNorm, written once
// over the vector primitives (VecAvx2, VecAvx512). Include inside a target
// region (ops/cpu/isa_target.h); every name here is in an anonymous
// namespace, so each ISA's translation unit keeps its own copy.
//
// Per row, as ops/ref: x = the sum of the row's terms, mean, then the
// variance of x - mean (two passes over x, never E[x^2] - E[x]^2, which
// cancels when the mean is large next to the spread), then
// (x - mean) / sqrt(var + epsilon) * gamma + beta. x is written to dst in the
// first pass and read back from there (L1), so dst may alias a term.
// Arithmetic is in float, so the result carries the float rounding of x.
#pragma once

#include "ops/cpu/isa_target.h"
#include "ops/sequences.h"

namespace minirt::cpu {
namespace {

// LayerNorm of term0 + term1 (+ term2 when not nullptr) into dst.
template <class V>
void layer_norm_row(const float* term0, const float* term1, const float* term2, const float* gamma,
                    const float* beta, int64_t hidden, float epsilon, float* dst) {
  using Reg = typename V::Reg;
  constexpr int64_t kW = V::kWidth;
  const int64_t vector_end = hidden - hidden % kW;

  Reg vector_sum = V::zero();
  for (int64_t i = 0; i < vector_end; i += kW) {
    Reg x = V::add(V::load(term0 + i), V::load(term1 + i));
    if (term2) x = V::add(x, V::load(term2 + i));
    V::store(dst + i, x);
    vector_sum = V::add(vector_sum, x);
  }
  float sum = V::reduce_add(vector_sum);
  for (int64_t i = vector_end; i < hidden; ++i) {
    dst[i] = term0[i] + term1[i] + (term2 ? term2[i] : 0.0f);
    sum += dst[i];
  }
  const float mean = sum / static_cast<float>(hidden);

  const Reg vector_mean = V::set1(mean);
  Reg vector_squares = V::zero();
  for (int64_t i = 0; i < vector_end; i += kW) {
    const Reg centered = V::sub(V::load(dst + i), vector_mean);
    vector_squares = V::fmadd(centered, centered, vector_squares);
  }
  float squares = V::reduce_add(vector_squares);
  for (int64_t i = vector_end; i < hidden; ++i) squares += (dst[i] - mean) * (dst[i] - mean);
  const float inv_std = 1.0f / std::sqrt(squares / static_cast<float>(hidden) + epsilon);

  const Reg vector_inv_std = V::set1(inv_std);
  for (int64_t i = 0; i < vector_end; i += kW) {
    const Reg normalized = V::mul(V::sub(V::load(dst + i), vector_mean), vector_inv_std);
    V::store(dst + i, V::fmadd(normalized, V::load(gamma + i), V::load(beta + i)));
  }
  for (int64_t i = vector_end; i < hidden; ++i)
    dst[i] = (dst[i] - mean) * inv_std * gamma[i] + beta[i];
}

// Rows per parallel chunk: enough floats that handing a chunk over costs little.
inline int64_t layer_norm_grain(int64_t hidden) { return std::max<int64_t>(1, 4096 / hidden); }

template <class V>
void add_layer_norm_kernel(const ref::AddLayerNormArgs& args, Parallel& parallel) {
  const int64_t hidden = args.hidden;
  parallel.for_range(args.rows, layer_norm_grain(hidden), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      layer_norm_row<V>(args.src + r * hidden, args.residual + r * hidden, nullptr, args.gamma,
                        args.beta, hidden, args.epsilon, args.dst + r * hidden);
    }
  });
}

template <class V>
void embed_layer_norm_kernel(const ref::EmbedLayerNormArgs& args, Parallel& parallel) {
  const int64_t hidden = args.hidden;
  // HF's additive mask, as ref::embed_layer_norm: the lowest float for a padded key.
  constexpr float kMaskedBias = std::numeric_limits<float>::lowest();
  const int64_t rows = args.cu_seqlens ? args.cu_seqlens[args.batch] : args.batch * args.seq;
  parallel.for_range(rows, layer_norm_grain(hidden), [&](int64_t begin, int64_t end) {
    // Ragged: positions restart per sequence, and there is no mask.
    PositionCursor cursor(args.cu_seqlens, args.batch, begin);
    for (int64_t token = begin; token < end; ++token) {
      const int64_t position = args.cu_seqlens ? cursor.position(token) : token % args.seq;
      const int64_t type = args.token_type_ids ? args.token_type_ids[token] : 0;
      layer_norm_row<V>(args.word + args.input_ids[token] * hidden,
                        args.position + position * hidden, args.token_type + type * hidden,
                        args.gamma, args.beta, hidden, args.epsilon, args.dst + token * hidden);
      if (args.cu_seqlens) continue;
      const bool attended = !args.attention_mask || args.attention_mask[token] != 0;
      args.mask_bias[token] = attended ? 0.0f : kMaskedBias;
    }
  });
}

}  // namespace
}  // namespace minirt::cpu
