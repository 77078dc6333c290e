// Compiling C++ intrinsics for one ISA inside an ordinary translation unit.
//
// MINIRT_TARGET_AVX2_BEGIN ... MINIRT_TARGET_END gives every function
// defined between them the avx2+fma target (likewise for AVX-512), the way
// Highway's HWY_BEFORE_NAMESPACE does. Only code inside a region may use that
// ISA, and the rest of the program keeps the baseline, so no library inline
// function is ever emitted with AVX-512 instructions by accident (the hazard
// of compiling a whole file with -mavx512f).
//
// Rule for files that open a region: include every library header first
// (this one brings in what the SIMD kernels use), then open the region, then
// include the kernel templates, which all take the vector type as a template
// parameter so each ISA instantiates its own copy.
#pragma once

// GCC 12 warns about the _mm512_undefined_* placeholders inside its own
// AVX-512 intrinsics once they are inlined (GCC bug 105593).
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "ops/parallel.h"
#include "ops/ref/kernels.h"

#if defined(__clang__)
#define MINIRT_TARGET_BEGIN_(isa) \
  _Pragma(                        \
      MINIRT_TARGET_STR_(clang attribute push(__attribute__((target(isa))), apply_to = function)))
#define MINIRT_TARGET_END _Pragma("clang attribute pop")
#else
#define MINIRT_TARGET_BEGIN_(isa) \
  _Pragma("GCC push_options") _Pragma(MINIRT_TARGET_STR_(GCC target(isa)))
#define MINIRT_TARGET_END _Pragma("GCC pop_options")
#endif
#define MINIRT_TARGET_STR_(x) #x

#define MINIRT_TARGET_AVX2_BEGIN MINIRT_TARGET_BEGIN_("avx2,fma")
#define MINIRT_TARGET_AVX512_BEGIN \
  MINIRT_TARGET_BEGIN_("avx2,fma,avx512f,avx512bw,avx512dq,avx512vl")
#define MINIRT_TARGET_AVX512_BF16_BEGIN \
  MINIRT_TARGET_BEGIN_("avx2,fma,avx512f,avx512bw,avx512dq,avx512vl,avx512bf16")
