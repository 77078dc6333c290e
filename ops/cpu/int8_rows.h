// The activation side of the int8 MatMul: src rows quantized to u8 once per
// run (ops/ref/int8.h gives the rule), four k values to a 4-byte word, the
// layout the int8 micro-kernel broadcasts from.
#pragma once

#include <cstdint>

#include "ops/parallel.h"
#include "ops/ref/int8.h"

namespace minirt::cpu {

// Bytes per u8 row for k: k rounded up to a multiple of 4 (whole k quads).
inline int64_t int8_row_bytes(int64_t k) { return (k + 3) / 4 * 4; }

// dst[r, :] = u8(src[r, :k]) and quantization[r] its scale and zero point,
// for r < rows; the pad after k is zero (its weights are zero too). dst rows
// are int8_row_bytes(k) apart. Needs kAvx512 or above.
void quantize_rows_to_u8(const float* src, int64_t rows, int64_t k, uint8_t* dst,
                         ref::RowQuantization* quantization, Parallel& parallel);

// The same with one fixed quantization for every row (a static input scale,
// ref::static_row_quantization): quantization[r] = fixed, so the kernels read
// it as they read a row's own.
void quantize_rows_to_u8(const float* src, int64_t rows, int64_t k,
                         const ref::RowQuantization& fixed, uint8_t* dst,
                         ref::RowQuantization* quantization, Parallel& parallel);

}  // namespace minirt::cpu
