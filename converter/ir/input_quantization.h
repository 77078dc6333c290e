// A MatMul's static int8 input quantization as the converter's IR carries it:
// two attributes, "input_scale" (float) and "input_zero_point" (int, u8),
// which emit/op_params writes into MatMul.input_quantization. Set by QDQ
// import and by calibration; fusion passes carry them to the fused MatMul.
#pragma once

#include <optional>

#include "converter/ir/graph.h"
#include "ops/op_types.h"

namespace minirt::ir {

// Throws std::runtime_error when the scale is not finite and positive or the
// zero point is outside [0, 255] (the runtime's load rule, named here so a
// bad QDQ model fails at its source).
void set_input_quantization(Op& op, const StaticQuantization& q);

// The op's quantization, if it has one (both attributes or neither).
std::optional<StaticQuantization> input_quantization(const Op& op);

// Copies from's quantization (or its absence) onto to.
void copy_input_quantization(const Op& from, Op& to);

// A signed int8 quantization (levels -128..127, zero point z) as the u8 one
// the kernels use: the same values with every level and z moved up by 128.
StaticQuantization from_s8_quantization(float scale, int32_t zero_point);

}  // namespace minirt::ir
