// Sixteen float lanes in a zmm register (AVX-512 F/BW/DQ/VL): the same
// primitives as VecAvx2, so each kernel template is written once.
#pragma once

#include "ops/cpu/isa_target.h"

MINIRT_TARGET_AVX512_BEGIN
namespace minirt::cpu {

struct VecAvx512 {
  using Reg = __m512;
  static constexpr int kWidth = 16;

  static Reg zero() { return _mm512_setzero_ps(); }
  static Reg set1(float x) { return _mm512_set1_ps(x); }
  static Reg load(const float* src) { return _mm512_loadu_ps(src); }
  static void store(float* dst, Reg x) { _mm512_storeu_ps(dst, x); }
  // The first count lanes (0 < count < kWidth); the rest read as zero and are never touched.
  static Reg load_first(const float* src, int count) {
    return _mm512_maskz_loadu_ps(first_lanes(count), src);
  }
  static void store_first(float* dst, Reg x, int count) {
    _mm512_mask_storeu_ps(dst, first_lanes(count), x);
  }

  static Reg add(Reg a, Reg b) { return _mm512_add_ps(a, b); }
  static Reg sub(Reg a, Reg b) { return _mm512_sub_ps(a, b); }
  static Reg mul(Reg a, Reg b) { return _mm512_mul_ps(a, b); }
  static Reg fmadd(Reg a, Reg b, Reg c) { return _mm512_fmadd_ps(a, b, c); }
  static Reg max(Reg a, Reg b) { return _mm512_max_ps(a, b); }
  static Reg min(Reg a, Reg b) { return _mm512_min_ps(a, b); }
  static Reg round_nearest(Reg x) {
    return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  // 2^n for integral n in [-126, 127].
  static Reg exp2_integral(Reg n) {
    const __m512i bits =
        _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_castsi512_ps(bits);
  }
  // x where a >= b, 0 where a < b.
  static Reg zero_where_less(Reg x, Reg a, Reg b) {
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(a, b, _CMP_NLT_UQ), x);
  }

  static float reduce_add(Reg x) { return _mm512_reduce_add_ps(x); }
  static float reduce_max(Reg x) { return _mm512_reduce_max_ps(x); }

 private:
  static __mmask16 first_lanes(int count) { return static_cast<__mmask16>((1u << count) - 1); }
};

}  // namespace minirt::cpu
MINIRT_TARGET_END
