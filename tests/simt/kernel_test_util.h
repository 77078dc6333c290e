// Helpers for the CUDA kernels' tests on the SIMT emulator: fp16 data and
// outputs poisoned before each launch, so an unwritten element fails.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include "ops/cuda/device/simt.cuh"
#include "ops/cuda/half.h"
#include "tests/unit/test_util.h"

namespace minirt::test {

using cuda::Half;

inline std::vector<Half> to_halves(std::span<const float> values) {
  std::vector<Half> result;
  result.reserve(values.size());
  for (float v : values) result.emplace_back(v);
  return result;
}

// Random values already rounded to fp16, so the reference sees exactly what
// the kernel reads.
inline std::vector<float> random_halves(std::mt19937& rng, size_t count, float lo = -1.0f,
                                        float hi = 1.0f) {
  std::vector<float> values = random_floats(rng, count, lo, hi);
  for (float& v : values) v = cuda::round_to_half(v);
  return values;
}

inline std::vector<double> to_doubles(std::span<const float> values) {
  return std::vector<double>(values.begin(), values.end());
}

// An output buffer of n NaNs (fp32 or fp16).
template <typename T>
std::vector<T> poisoned(size_t n) {
  if constexpr (std::is_same_v<T, Half>) {
    return std::vector<T>(n, Half::from_bits(0x7e00));
  } else {
    return std::vector<T>(n, std::numeric_limits<float>::quiet_NaN());
  }
}

// Refills an output buffer with NaNs in place (kernel parameters keep
// pointing at it).
template <typename T>
void poison(std::vector<T>& values) {
  const T nan = poisoned<T>(1)[0];
  std::fill(values.begin(), values.end(), nan);
}

template <typename T>
std::vector<float> as_floats(const std::vector<T>& values) {
  return std::vector<float>(values.begin(), values.end());
}

// Tolerance for an fp32-math kernel's output: fp16 rounding of the output
// (2^-11 relative) with room for the fp32 sums, or fp32 alone.
template <typename Out>
constexpr double output_tolerance() {
  return std::is_same_v<Out, Half> ? 2e-3 : 1e-4;
}

}  // namespace minirt::test
