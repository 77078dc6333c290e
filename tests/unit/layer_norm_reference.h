// LayerNorm in double over one row, the oracle for both LayerNorm kernels.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>

namespace minirt::test {

// Normalizes row in place: (x - mean) / sqrt(var + epsilon) * gamma + beta,
// with the population variance, as torch.nn.LayerNorm.
inline void reference_layer_norm_row(std::span<double> row, const float* gamma, const float* beta,
                                     double epsilon) {
  const double count = static_cast<double>(row.size());
  double mean = 0.0;
  for (double x : row) mean += x / count;
  double variance = 0.0;
  for (double x : row) variance += (x - mean) * (x - mean) / count;
  for (size_t i = 0; i < row.size(); ++i) {
    row[i] = (row[i] - mean) / std::sqrt(variance + epsilon) * gamma[i] + beta[i];
  }
}

}  // namespace minirt::test
