// bfloat16: the top 16 bits of an fp32 (8 exponent bits, 7 mantissa bits).
// Rounding to nearest even, as the AVX512-BF16 conversions do; the oracle for
// the bf16 MatMul path and the packer of its weights.
#pragma once

#include <cstdint>
#include <cstring>

namespace minirt::ref {

inline uint16_t float_to_bf16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((bits >> 16) | 0x40u);  // quiet NaN
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

inline float bf16_to_float(uint16_t value) {
  const uint32_t bits = uint32_t{value} << 16;
  float result;
  std::memcpy(&result, &bits, sizeof result);
  return result;
}

// value rounded to the nearest bfloat16, as a float.
inline float round_to_bf16(float value) { return bf16_to_float(float_to_bf16(value)); }

}  // namespace minirt::ref
