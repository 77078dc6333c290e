#include "ops/cpu/int8_rows.h"

#include "ops/cpu/isa_target.h"

namespace minirt::cpu {

MINIRT_TARGET_AVX512_BEGIN

namespace {

__mmask16 first_lanes(int64_t count) {
  if (count <= 0) return 0;
  return static_cast<__mmask16>(count >= 16 ? 0xffff : (1u << count) - 1);
}

ref::RowQuantization range_quantization(const float* src, int64_t k) {
  __m512 lo = _mm512_set1_ps(0.0f), hi = lo;  // the range always holds 0
  for (int64_t i = 0; i < k; i += 16) {
    const __m512 x = _mm512_maskz_loadu_ps(first_lanes(k - i), src + i);
    lo = _mm512_min_ps(lo, x);
    hi = _mm512_max_ps(hi, x);
  }
  return ref::row_quantization(_mm512_reduce_min_ps(lo), _mm512_reduce_max_ps(hi));
}

void quantize_row(const float* src, int64_t k, const ref::RowQuantization& q, uint8_t* dst) {
  const __m512 inverse_scale = _mm512_set1_ps(q.inverse_scale);
  const __m512i zero_point = _mm512_set1_epi32(static_cast<int32_t>(q.zero_point));
  const __m512i zero = _mm512_setzero_si512();
  const int64_t bytes = int8_row_bytes(k);
  for (int64_t i = 0; i < bytes; i += 16) {
    const __mmask16 valid = first_lanes(k - i);  // past k: the pad, zero
    const __m512 x = _mm512_maskz_loadu_ps(valid, src + i);
    // Rounds to nearest even (MXCSR default), as the oracle's round_small.
    __m512i level =
        _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(x, inverse_scale)), zero_point);
    level = _mm512_maskz_max_epi32(valid, level, zero);  // vpmovusdb saturates the top at 255
    _mm512_mask_cvtusepi32_storeu_epi8(dst + i, first_lanes(bytes - i), level);
  }
}

}  // namespace

void quantize_rows_to_u8(const float* src, int64_t rows, int64_t k, uint8_t* dst,
                         ref::RowQuantization* quantization, Parallel& parallel) {
  const int64_t stride = int8_row_bytes(k);
  parallel.for_range(rows, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      quantization[r] = range_quantization(src + r * k, k);
      quantize_row(src + r * k, k, quantization[r], dst + r * stride);
    }
  });
}

void quantize_rows_to_u8(const float* src, int64_t rows, int64_t k,
                         const ref::RowQuantization& fixed, uint8_t* dst,
                         ref::RowQuantization* quantization, Parallel& parallel) {
  const int64_t stride = int8_row_bytes(k);
  parallel.for_range(rows, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      quantization[r] = fixed;
      quantize_row(src + r * k, k, fixed, dst + r * stride);
    }
  });
}

MINIRT_TARGET_END

}  // namespace minirt::cpu
