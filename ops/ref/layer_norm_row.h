// LayerNorm of one row, shared by EmbedLayerNorm, AddLayerNorm and the
// generic LayerNormalization.
#pragma once

#include <cmath>
#include <cstdint>

namespace minirt::ref {

// dst[i] = (x[i] - mean) / sqrt(var + epsilon) * gamma[i] + beta[i], with
// x[i] = input(i) in double and the biased (population) variance, as PyTorch.
// input sums the row's terms exactly, so the result is rounded to float once.
// Two passes: the one-pass E[x^2] - E[x]^2 form cancels badly when the mean
// is large next to the spread. The last pass calls input(i) before writing
// dst[i], so dst may alias the arrays input reads. beta may be nullptr.
template <typename Input>
void layer_norm_row(Input input, const float* gamma, const float* beta, int64_t hidden,
                    float epsilon, float* dst) {
  double sum = 0.0;
  for (int64_t i = 0; i < hidden; ++i) sum += input(i);
  const double mean = sum / static_cast<double>(hidden);
  double square_sum = 0.0;
  for (int64_t i = 0; i < hidden; ++i) {
    const double centered = input(i) - mean;
    square_sum += centered * centered;
  }
  const double inv_std = 1.0 / std::sqrt(square_sum / static_cast<double>(hidden) + epsilon);
  for (int64_t i = 0; i < hidden; ++i) {
    dst[i] = static_cast<float>((input(i) - mean) * inv_std * gamma[i] + (beta ? beta[i] : 0.0));
  }
}

}  // namespace minirt::ref
