// The dot product every reference kernel uses. It accumulates in double so the
// oracle is correctly rounded to float in practice, whatever the length.
#pragma once

#include <cstdint>

namespace minirt::ref {

inline float dot(const float* a, const float* b, int64_t n) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(a[i]) * b[i];
  return static_cast<float>(sum);
}

}  // namespace minirt::ref
