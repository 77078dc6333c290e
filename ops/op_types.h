// Plain types shared by every kernel backend; independent of the file format.
#pragma once

#include <cstdint>

namespace minirt {

// Applied in the MatMul epilogue before the residual add. Mirrors minirt.fbs's
// Activation code for code (static_asserts in runtime/model/model_types.cpp).
enum class Activation { kNone, kGeluErf, kGeluTanh, kTanh };

const char* activation_name(Activation act);

// What a MatMul multiplies. kBFloat16: src and weights rounded to bfloat16,
// fp32 accumulation. kInt8: src quantized to u8 per row (scale and zero
// point from the row's range, or a StaticQuantization from the file),
// weights to s8 per output column (symmetric), int32 accumulation. The epilogue (bias, activation,
// residual) is fp32 in all.
enum class MatMulPrecision { kFloat32, kBFloat16, kInt8 };

const char* matmul_precision_name(MatMulPrecision precision);  // "fp32", "bf16", "int8"

// A fixed u8 quantization of an int8 MatMul's src (minirt.fbs
// StaticQuantization): scale finite and positive, zero_point in [0, 255].
struct StaticQuantization {
  float scale = 1.0f;
  int32_t zero_point = 0;
  bool operator==(const StaticQuantization&) const = default;
};

}  // namespace minirt
