// Eight float lanes in a ymm register (AVX2 + FMA): the primitives the SIMD
// kernels are written in. Every function is compiled for avx2,fma only.
#pragma once

#include "ops/cpu/isa_target.h"

MINIRT_TARGET_AVX2_BEGIN
namespace minirt::cpu {

struct VecAvx2 {
  using Reg = __m256;
  static constexpr int kWidth = 8;

  static Reg zero() { return _mm256_setzero_ps(); }
  static Reg set1(float x) { return _mm256_set1_ps(x); }
  static Reg load(const float* src) { return _mm256_loadu_ps(src); }
  static void store(float* dst, Reg x) { _mm256_storeu_ps(dst, x); }
  // The first count lanes (0 < count < kWidth); the rest read as zero and are never touched.
  static Reg load_first(const float* src, int count) {
    return _mm256_maskload_ps(src, first_lanes(count));
  }
  static void store_first(float* dst, Reg x, int count) {
    _mm256_maskstore_ps(dst, first_lanes(count), x);
  }

  static Reg add(Reg a, Reg b) { return _mm256_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm256_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm256_mul_ps(a, b); }
  static Reg fmadd(Reg a, Reg b, Reg c) { return _mm256_fmadd_ps(a, b, c); }
  static Reg max(Reg a, Reg b) { return _mm256_max_ps(a, b); }
  static Reg min(Reg a, Reg b) { return _mm256_min_ps(a, b); }
  static Reg round_nearest(Reg x) {
    return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  // 2^n for integral n in [-126, 127].
  static Reg exp2_integral(Reg n) {
    const __m256i bits =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_castsi256_ps(bits);
  }
  // x where a >= b, 0 where a < b.
  static Reg zero_where_less(Reg x, Reg a, Reg b) {
    return _mm256_andnot_ps(_mm256_cmp_ps(a, b, _CMP_LT_OQ), x);
  }

  static float reduce_add(Reg x) {
    __m128 sum = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    sum = _mm_add_ps(sum, _mm_movehl_ps(sum, sum));
    return _mm_cvtss_f32(_mm_add_ss(sum, _mm_movehdup_ps(sum)));
  }
  static float reduce_max(Reg x) {
    __m128 best = _mm_max_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    best = _mm_max_ps(best, _mm_movehl_ps(best, best));
    return _mm_cvtss_f32(_mm_max_ss(best, _mm_movehdup_ps(best)));
  }

 private:
  static __m256i first_lanes(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
};

}  // namespace minirt::cpu
MINIRT_TARGET_END
