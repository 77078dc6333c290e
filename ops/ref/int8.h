// int8 quantization as the int8 MatMul does it; the oracle for its SIMD
// quantizer and the packer of its weights.
//   src rows: u8 = clamp(round(x / scale) + zero_point, 0, 255), with scale
//     and zero point from the row's range widened to include 0 (so 0 is
//     exact); x is then (u8 - zero_point) * scale.
//   or, with a static quantization from the file (a QDQ model's or
//   calibration's), the same rule with one scale and zero point for every row.
//   weights: s8 = round(w / scale) per output column, scale = max |w| / 127.
// Rounding is to nearest even, as vcvtps2dq does (round_small below), of
// the product x * inverse_scale (and -min * inverse_scale) first rounded to
// float, as vmulps gives it: never fused into the rounding (scaled_level).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "ops/op_types.h"

namespace minirt::ref {

// x rounded to the nearest integer, ties to even, for |x| < 2^22: adding
// and taking away 1.5 * 2^23 leaves no fraction bits in between. Much
// cheaper than std::nearbyint, a libm call on baseline x86-64, which
// quantizing a model's weights at load would make millions of times.
inline float round_small(float x) {
  constexpr float kShift = 12582912.0f;  // 1.5 * 2^23
  volatile float shifted = x + kShift;   // volatile: not folded away under -ffast-math
  return shifted - kShift;
}

// x * inverse_scale rounded to float. GCC's C++ default, -ffp-contract=fast,
// fuses a product into the add after it (round_small's) wherever FMA is
// enabled, as it is where the SIMD quantizer calls row_quantization: the
// unrounded product then rounds differently just below a tie (-min *
// inverse_scale = 127.499997 is the float 127.5, zero point 128 unfused but
// 127 fused). The volatile store is the rounding point.
inline float scaled_level(float x, float inverse_scale) {
  volatile float product = x * inverse_scale;
  return product;
}

struct RowQuantization {
  float scale = 1.0f;
  float inverse_scale = 1.0f;  // what the quantizer multiplies by
  float zero_point = 0.0f;     // an integer in [0, 255], as a float
};

inline RowQuantization row_quantization(float min, float max) {
  min = std::min(min, 0.0f);
  max = std::max(max, 0.0f);
  RowQuantization q;
  if (max - min > 0.0f) {
    q.scale = (max - min) / 255.0f;
    q.inverse_scale = 1.0f / q.scale;
    q.zero_point = std::clamp(round_small(scaled_level(-min, q.inverse_scale)), 0.0f, 255.0f);
  }
  return q;
}

// Every row's quantization when the file fixes it: the multiplier is the
// scale's float inverse, as row_quantization's.
inline RowQuantization static_row_quantization(const StaticQuantization& q) {
  return {q.scale, 1.0f / q.scale, static_cast<float>(q.zero_point)};
}

inline uint8_t quantize_u8(float x, const RowQuantization& q) {
  const float level = round_small(scaled_level(x, q.inverse_scale)) + q.zero_point;
  return static_cast<uint8_t>(std::clamp(level, 0.0f, 255.0f));
}

inline float column_scale(float max_abs) { return max_abs > 0.0f ? max_abs / 127.0f : 1.0f; }

inline int8_t quantize_s8(float w, float scale) {
  const float level = round_small(w / scale);
  // A NaN weight (a file written with --allow-nonfinite-weights, or a fuzzed
  // import) has no level; 0 keeps the conversion defined (casting NaN is UB).
  if (std::isnan(level)) return 0;
  return static_cast<int8_t>(std::clamp(level, -127.0f, 127.0f));
}

}  // namespace minirt::ref
