// Reference kernels of the generic ops (minirt.fbs "Generic ops"): ONNX
// semantics on tensors whose dims the caller has already evaluated. They run
// the graphs the fusion passes do not fully recognize, and the converter's
// host evaluator calls some of them too. As in kernels.h, inputs are assumed
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

// Element types of generic values; kU8 holds a bool as 0 or 1.
enum class ElemType : uint8_t { kF32, kI64, kU8 };
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
// Arithmetic and Neg on f32 or i64, comparisons of f32 or i64 into u8,
// And/Or/Not on u8, Sqrt..GeluTanh on f32, Where(u8, T, T), Cast any to any
// (to u8 means != 0). Cast to the same type broadcasts: Expand.
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

// dst[i] = start + i * delta, i < count, as f32 or i64.
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

}  // namespace minirt::ref
