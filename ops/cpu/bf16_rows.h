// The activation side of the bf16 MatMul: src rows rounded to bfloat16 pairs
// once per run, in the layout the bf16 micro-kernel broadcasts from.
#pragma once

#include <cstdint>

#include "ops/parallel.h"

namespace minirt::cpu {

// Elements per bf16 row for k: k rounded up to even, so every k pair is whole.
inline int64_t bf16_row_elements(int64_t k) { return (k + 1) / 2 * 2; }

// dst[r, :] = bf16(src[r, :k]) for r < rows, a zero after an odd k; dst rows
// are bf16_row_elements(k) apart. Needs kAvx512Bf16.
void round_rows_to_bf16(const float* src, int64_t rows, int64_t k, uint16_t* dst,
                        Parallel& parallel);

}  // namespace minirt::cpu
