#include "runtime/exec/fused_args.h"

namespace minirt {

ref::EmbedLayerNormArgs embed_layer_norm_args(const BoundOp& op, const RunShape& run) {
  ref::EmbedLayerNormArgs args;
  args.input_ids = op.input(0).i64();
  args.token_type_ids = op.input(1).i64();
  args.attention_mask = op.input(2).i64();
  args.word = op.input(3).f32();
  args.position = op.input(4).f32();
  args.token_type = op.input(5).f32();
  args.gamma = op.input(6).f32();
  args.beta = op.input(7).f32();
  args.batch = run.batch;
  args.seq = run.seq;
  args.hidden = op.input_value(3).shape.back().factor;
  args.epsilon = op.op().epsilon;
  args.dst = op.output(0).f32();
  args.mask_bias = op.output(1).f32();
  args.cu_seqlens = run.cu_seqlens;
  return args;
}

ref::MatMulArgs matmul_args(const BoundOp& op, const RunShape& run) {
  ref::MatMulArgs args;
  args.src = op.input(0).f32();
  args.weight = op.input(1).f32();
  args.bias = op.input(2).f32();
  args.residual = op.input(3).f32();
  args.dst = op.output(0).f32();
  args.n = op.input_value(1).shape[0].factor;
  args.k = op.input_value(1).shape[1].factor;
  args.m = op.input_value(0).numel(run) / args.k;
  args.activation = op.op().activation;
  return args;
}

ref::AttentionArgs attention_args(const BoundOp& op, const RunShape& run) {
  ref::AttentionArgs args;
  args.qkv = op.input(0).f32();
  args.mask_bias = op.input(1).f32();
  args.dst = op.output(0).f32();
  args.batch = run.batch;
  args.seq = run.seq;
  args.num_heads = op.op().num_heads;
  args.head_dim = op.op().head_dim;
  args.scale = op.op().scale;
  args.cu_seqlens = run.cu_seqlens;
  return args;
}

ref::AddLayerNormArgs add_layer_norm_args(const BoundOp& op, const RunShape& run) {
  ref::AddLayerNormArgs args;
  args.src = op.input(0).f32();
  args.residual = op.input(1).f32();
  args.gamma = op.input(2).f32();
  args.beta = op.input(3).f32();
  args.dst = op.output(0).f32();
  args.hidden = op.input_value(2).shape[0].factor;
  args.rows = op.input_value(0).numel(run) / args.hidden;
  args.epsilon = op.op().epsilon;
  return args;
}

ref::PoolerArgs pooler_args(const BoundOp& op, const RunShape& run) {
  ref::PoolerArgs args;
  args.hidden = op.input(0).f32();
  args.weight = op.input(1).f32();
  args.bias = op.input(2).f32();
  args.dst = op.output(0).f32();
  args.batch = run.batch;
  args.seq = run.seq;
  args.hidden_size = op.input_value(1).shape[0].factor;
  args.cu_seqlens = run.cu_seqlens;
  return args;
}

}  // namespace minirt
