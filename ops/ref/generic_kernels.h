// Reference kernels of the generic ops (minirt.fbs "Generic ops"): ONNX
// semantics on tensors whose dims the caller has already evaluated. They run
// the graphs the fusion passes do not fully recognize, and the converter's
// host evaluator computes every ONNX op it evaluates with them (so the ONNX
// semantics are written once, here). As in kernels.h, inputs are assumed
// validated (dtypes, broadcastable shapes); kernels do arithmetic only, with
// one exception: gather indices come from data, so those kernels report a bad
// index instead of reading out of bounds.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "ops/parallel.h"

namespace minirt::ref {

inline constexpr int kMaxDims = 8;

// Element types of generic values. kU8 also holds a bool as 0 or 1: a Cast
// into kU8 from another type yields that bool (!= 0). kI8 and kI32 are the
// quantized types (the runtime's generic ops use the first three only).
enum class ElemType : uint8_t { kF32, kI64, kU8, kI8, kI32 };
size_t elem_size(ElemType type);

struct Dims {
  int rank = 0;
  std::array<int64_t, kMaxDims> d{};

  int64_t count() const;
};
Dims make_dims(std::span<const int64_t> dims);

// Mirrors minirt.fbs's ElementwiseFn code for code (static_asserts where the
// runtime converts it: runtime/exec/generic_args.cpp).
// clang-format off
enum class ElementwiseFn : uint8_t {
  kAdd, kSub, kMul, kDiv, kPow, kMax, kMin,
  kEqual, kGreater, kGreaterOrEqual, kLess, kLessOrEqual,
  kAnd, kOr, kNot,
  kNeg, kSqrt, kExp, kErf, kTanh, kGeluErf, kGeluTanh,
  kWhere,
  kCast,
};
// clang-format on
inline constexpr int kElementwiseFnCount = static_cast<int>(ElementwiseFn::kCast) + 1;
// 1 for unary fns and Cast, 3 for Where, 2 for the rest.
int elementwise_arity(ElementwiseFn fn);

struct TensorArg {
  const void* data = nullptr;
  Dims dims;
  ElemType type = ElemType::kF32;
};

// dst = fn(src...) with numpy broadcasting of each src to dst_dims.
// Arithmetic on any type (integers wrap; Neg on signed ones), comparisons of
// any type into u8, And/Or/Not on u8, Sqrt..GeluTanh on f32, Where(u8, T, T),
// Cast any to any (to u8 from another type means != 0). Cast to the same
// type broadcasts: Expand.
struct ElementwiseArgs {
  ElementwiseFn fn = ElementwiseFn::kAdd;
  std::array<TensorArg, 3> src;
  void* dst = nullptr;
  Dims dst_dims;
  ElemType dst_type = ElemType::kF32;
};
void elementwise(const ElementwiseArgs& args, Parallel& parallel);

// numpy matmul of f32 tensors: 1-D operands promoted, batch dims broadcast.
struct BatchedMatMulArgs {
  const float* a = nullptr;
  const float* b = nullptr;
  float* dst = nullptr;
  Dims a_dims, b_dims;
};
void batched_matmul(const BatchedMatMulArgs& args, Parallel& parallel);

// dst [m,n] = alpha * op(a) op(b) + beta * c, c broadcast to [m,n] (optional).
struct GemmArgs {
  const float* a = nullptr;  // [m,k], or [k,m] when trans_a
  const float* b = nullptr;  // [k,n], or [n,k] when trans_b
  const float* c = nullptr;
  Dims c_dims;
  float* dst = nullptr;
  int64_t m = 0, k = 0, n = 0;
  float alpha = 1.0f, beta = 1.0f;
  bool trans_a = false, trans_b = false;
};
void gemm(const GemmArgs& args, Parallel& parallel);

// Softmax along one axis of src dims.
struct SoftmaxArgs {
  const float* src = nullptr;
  float* dst = nullptr;
  Dims dims;
  int axis = 0;
};
void softmax(const SoftmaxArgs& args, Parallel& parallel);

// dst row = (x - mean) / sqrt(var + eps) * scale + bias over each row of `cols`.
struct LayerNormalizationArgs {
  const float* src = nullptr;
  const float* scale = nullptr;  // [cols]
  const float* bias = nullptr;   // [cols], may be nullptr
  float* dst = nullptr;
  int64_t rows = 0, cols = 0;
  float epsilon = 1e-5f;
};
void layer_normalization(const LayerNormalizationArgs& args, Parallel& parallel);

// Mean over the axes flagged in `reduced`; dst holds src's dims with those
// axes removed (or kept as 1: the same layout).
struct ReduceMeanArgs {
  const float* src = nullptr;
  float* dst = nullptr;
  Dims dims;
  std::array<bool, kMaxDims> reduced{};
};
void reduce_mean(const ReduceMeanArgs& args, Parallel& parallel);

// dst dim i = src dim perm[i].
struct TransposeArgs {
  const void* src = nullptr;
  void* dst = nullptr;
  Dims dims;  // src's
  std::array<int, kMaxDims> perm{};
  size_t elem_bytes = 4;
};
void transpose(const TransposeArgs& args);

// dst[i...] = src[starts[a] + i[a] * steps[a] ...] for dst_dims; starts and
// steps already normalized (in range for every i).
struct SliceArgs {
  const void* src = nullptr;
  void* dst = nullptr;
  Dims src_dims, dst_dims;
  std::array<int64_t, kMaxDims> starts{}, steps{};
  size_t elem_bytes = 4;
};
void slice(const SliceArgs& args);

// Concatenation along axis of parts whose dims differ only there.
struct ConcatArgs {
  std::span<const void* const> parts;
  std::span<const int64_t> part_extents;  // each part's dim at axis
  void* dst = nullptr;
  Dims dst_dims;
  int axis = 0;
  size_t elem_bytes = 4;
};
void concat(const ConcatArgs& args);

// dst[i] = start + i * delta, i < count, as f32, i64 or i32.
void range(double start, double delta, int64_t count, ElemType type, void* dst);

// A gather's status: ok, or the first index out of range.
struct GatherResult {
  bool ok = true;
  int64_t bad_index = 0;
};

// ONNX Gather along axis; negative indices count from the end.
struct GatherArgs {
  const void* data = nullptr;
  Dims data_dims;
  const int64_t* indices = nullptr;
  int64_t index_count = 0;
  void* dst = nullptr;
  int axis = 0;
  size_t elem_bytes = 4;
};
GatherResult gather(const GatherArgs& args);

// ONNX GatherND with batch_dims 0: indices [..., k] pick slices of data.
struct GatherNdArgs {
  const void* data = nullptr;
  Dims data_dims;
  const int64_t* indices = nullptr;
  Dims indices_dims;
  void* dst = nullptr;
  size_t elem_bytes = 4;
};
GatherResult gather_nd(const GatherNdArgs& args);

// ONNX QuantizeLinear: dst = saturate(round(src / scale) + zero_point), the
// rounding to nearest even, the saturation to dst_type's range (kI8 or kU8);
// NaN quantizes to the zero point. Per tensor (channels 1: one scale and
// zero point) or per axis (channels = dims[axis]: one per index along axis).
struct QuantizeLinearArgs {
  const float* src = nullptr;
  void* dst = nullptr;
  ElemType dst_type = ElemType::kU8;
  const float* scale = nullptr;      // [channels]
  const void* zero_point = nullptr;  // [channels] of dst_type; nullptr: 0
  Dims dims;
  int axis = 0;
  int64_t channels = 1;
};
void quantize_linear(const QuantizeLinearArgs& args);

// ONNX DequantizeLinear: dst = (src - zero_point) * scale in f32, src kI8,
// kU8 or kI32; per tensor or per axis as in QuantizeLinearArgs.
struct DequantizeLinearArgs {
  const void* src = nullptr;
  ElemType src_type = ElemType::kU8;
  float* dst = nullptr;
  const float* scale = nullptr;      // [channels]
  const void* zero_point = nullptr;  // [channels] of src_type; nullptr: 0
  Dims dims;
  int axis = 0;
  int64_t channels = 1;
};
void dequantize_linear(const DequantizeLinearArgs& args);

// ONNX DynamicQuantizeLinear: the scale and u8 zero point that map
// [min(0, min src), max(0, max src)] onto [0, 255], then src quantized with
// them as QuantizeLinear does.
struct DynamicQuantizeLinearArgs {
  const float* src = nullptr;
  int64_t count = 0;
  uint8_t* dst = nullptr;
  float* scale = nullptr;         // one value
  uint8_t* zero_point = nullptr;  // one value
};
void dynamic_quantize_linear(const DynamicQuantizeLinearArgs& args);

// ONNX MatMulInteger: dst = (a - a_zero_point) (b - b_zero_point) in i32,
// with MatMul's numpy shapes (see batched_matmul). a and b are kI8 or kU8;
// a's zero point is one value or one per row (m), b's one value or one per
// column (n); nullptr means 0.
struct MatMulIntegerArgs {
  const void* a = nullptr;
  const void* b = nullptr;
  ElemType a_type = ElemType::kU8, b_type = ElemType::kU8;
  Dims a_dims, b_dims;
  const void* a_zero_point = nullptr;
  const void* b_zero_point = nullptr;
  int64_t a_zero_point_count = 1, b_zero_point_count = 1;
  int32_t* dst = nullptr;
};
void matmul_integer(const MatMulIntegerArgs& args, Parallel& parallel);

}  // namespace minirt::ref
