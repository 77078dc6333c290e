#include "ops/cpu/bf16_rows.h"

#include "ops/cpu/isa_target.h"

namespace minirt::cpu {

MINIRT_TARGET_AVX512_BF16_BEGIN

namespace {

void round_row(const float* src, int64_t k, uint16_t* dst) {
  int64_t i = 0;
  for (; i + 32 <= k; i += 32) {
    const __m512bh packed =
        _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + i + 16), _mm512_loadu_ps(src + i));
    _mm512_storeu_si512(dst + i, reinterpret_cast<const __m512i&>(packed));
  }
  if (i < k) {
    // The tail, with the pad element of an odd k written as zero.
    const int64_t left = bf16_row_elements(k) - i;
    const __mmask16 low = static_cast<__mmask16>(k - i >= 16 ? 0xffff : (1u << (k - i)) - 1);
    const __mmask16 high = static_cast<__mmask16>(k - i <= 16 ? 0 : (1u << (k - i - 16)) - 1);
    const __m512bh packed = _mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(high, src + i + 16),
                                                _mm512_maskz_loadu_ps(low, src + i));
    const __mmask32 store = static_cast<__mmask32>(left >= 32 ? ~0u : (1u << left) - 1);
    _mm512_mask_storeu_epi16(dst + i, store, reinterpret_cast<const __m512i&>(packed));
  }
}

}  // namespace

void round_rows_to_bf16(const float* src, int64_t rows, int64_t k, uint16_t* dst,
                        Parallel& parallel) {
  const int64_t stride = bf16_row_elements(k);
  // A few rows per chunk: one row of a BERT layer is only 768 elements.
  parallel.for_range(rows, 16, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) round_row(src + r * k, k, dst + r * stride);
  });
}

MINIRT_TARGET_END

}  // namespace minirt::cpu
