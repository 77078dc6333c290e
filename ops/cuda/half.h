// IEEE binary16 on the host: the bits a CUDA __half holds, with exact
// conversions (float -> half rounds to nearest even, half -> float is exact).
// The SIMT emulator computes with it, the tests round their data through it,
// and the CUDA backend will convert weights with it before upload.
#pragma once

#include <bit>
#include <cstdint>

namespace minirt::cuda {

constexpr uint16_t float_to_half_bits(float value) {
  const uint32_t f = std::bit_cast<uint32_t>(value);
  const uint16_t sign = static_cast<uint16_t>((f >> 16) & 0x8000u);
  const uint32_t exponent = (f >> 23) & 0xffu;
  uint32_t mantissa = f & 0x7fffffu;
  if (exponent == 0xffu) {  // inf stays inf; NaN stays a (quiet) NaN
    return static_cast<uint16_t>(sign | 0x7c00u | (mantissa ? 0x200u | (mantissa >> 13) : 0u));
  }
  const int32_t half_exponent = static_cast<int32_t>(exponent) - 127 + 15;
  if (half_exponent >= 31) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow: inf
  if (half_exponent <= 0) {
    // Subnormal half (or zero): shift the full significand right, rounding
    // to nearest even on the bits shifted out.
    if (half_exponent < -10) return sign;  // below half the smallest subnormal
    mantissa |= 0x800000u;
    const uint32_t shift = static_cast<uint32_t>(14 - half_exponent);
    uint32_t result = mantissa >> shift;
    const uint32_t rest = mantissa & ((1u << shift) - 1u);
    const uint32_t halfway = 1u << (shift - 1u);
    if (rest > halfway || (rest == halfway && (result & 1u))) ++result;
    return static_cast<uint16_t>(sign | result);
  }
  uint32_t result = (static_cast<uint32_t>(half_exponent) << 10) | (mantissa >> 13);
  const uint32_t rest = mantissa & 0x1fffu;
  // A carry out of the mantissa bumps the exponent, up to inf: still right.
  if (rest > 0x1000u || (rest == 0x1000u && (result & 1u))) ++result;
  return static_cast<uint16_t>(sign | result);
}

constexpr float half_bits_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  if (exponent == 0x1fu) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0) return std::bit_cast<float>(sign);
    // Subnormal: normalize into a float, which has the range for it.
    int32_t e = -1;
    do {
      ++e;
      mantissa <<= 1;
    } while ((mantissa & 0x400u) == 0);
    return std::bit_cast<float>(sign | static_cast<uint32_t>(127 - 15 - e) << 23 |
                                (mantissa & 0x3ffu) << 13);
  }
  return std::bit_cast<float>(sign | (exponent + 127 - 15) << 23 | mantissa << 13);
}

// A half by value, the layout of CUDA's __half (two bytes, no padding).
struct Half {
  uint16_t bits = 0;
  Half() = default;
  explicit constexpr Half(float value) : bits(float_to_half_bits(value)) {}
  static constexpr Half from_bits(uint16_t b) {
    Half h;
    h.bits = b;
    return h;
  }
  constexpr operator float() const { return half_bits_to_float(bits); }  // NOLINT: exact
};

// A value rounded to the nearest half, as a float.
constexpr float round_to_half(float value) { return half_bits_to_float(float_to_half_bits(value)); }

}  // namespace minirt::cuda
