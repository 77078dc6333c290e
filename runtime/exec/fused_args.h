// The fused ops' kernel arguments from a BoundOp and the run's shape (see
// bound_op.h): every backend's EmbedLayerNorm, MatMul, Attention,
// AddLayerNorm and Pooler read their tensors and sizes from these.
#pragma once

#include "ops/ref/kernels.h"
#include "runtime/exec/bound_op.h"

namespace minirt {

ref::EmbedLayerNormArgs embed_layer_norm_args(const BoundOp& op, const RunShape& run);
ref::MatMulArgs matmul_args(const BoundOp& op, const RunShape& run);
ref::AttentionArgs attention_args(const BoundOp& op, const RunShape& run);
ref::AddLayerNormArgs add_layer_norm_args(const BoundOp& op, const RunShape& run);
ref::PoolerArgs pooler_args(const BoundOp& op, const RunShape& run);

}  // namespace minirt
