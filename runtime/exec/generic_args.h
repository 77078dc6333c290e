// The generic ops' kernel arguments from a BoundOp and the run's shape (see
// bound_op.h): dims evaluated for the run, tensors read through the table.
#pragma once

#include <span>

#include "ops/ref/generic_kernels.h"
#include "runtime/exec/bound_op.h"

namespace minirt {

ref::ElementwiseArgs elementwise_args(const BoundOp& op, const RunShape& run);  // also Expand
ref::BatchedMatMulArgs batched_matmul_args(const BoundOp& op, const RunShape& run);
ref::GemmArgs gemm_args(const BoundOp& op, const RunShape& run);
ref::SoftmaxArgs softmax_args(const BoundOp& op, const RunShape& run);
ref::LayerNormalizationArgs layer_normalization_args(const BoundOp& op, const RunShape& run);
ref::ReduceMeanArgs reduce_mean_args(const BoundOp& op, const RunShape& run);
ref::TransposeArgs transpose_args(const BoundOp& op, const RunShape& run);
ref::SliceArgs slice_args(const BoundOp& op, const RunShape& run);
ref::GatherArgs gather_args(const BoundOp& op, const RunShape& run);
ref::GatherNdArgs gather_nd_args(const BoundOp& op, const RunShape& run);
ref::QuantizeLinearArgs quantize_linear_args(const BoundOp& op, const RunShape& run);
ref::DequantizeLinearArgs dequantize_linear_args(const BoundOp& op, const RunShape& run);
// parts and extents: one entry per input, sized by the caller at prepare.
ref::ConcatArgs concat_args(const BoundOp& op, const RunShape& run, std::span<const void*> parts,
                            std::span<int64_t> extents);

// Reshape: the elements as they are, bytes of them from src to dst.
struct CopyArgs {
  const void* src = nullptr;
  void* dst = nullptr;
  size_t bytes = 0;
};
CopyArgs reshape_args(const BoundOp& op, const RunShape& run);

// Range: dst[i] = start + i * delta for i < count.
struct RangeArgs {
  double start = 0.0, delta = 0.0;
  int64_t count = 0;
  ref::ElemType type = ref::ElemType::kF32;
  void* dst = nullptr;
};
RangeArgs range_args(const BoundOp& op, const RunShape& run);

}  // namespace minirt
