// The ONNX passes, one per file, in the order onnx_pipeline runs them.
#pragma once

#include "converter/passes/pass_context.h"

namespace minirt::converter::passes {

// Symbolic shapes (factor * batch? * seq?) and dtypes of every op output,
// fitted from its dims at the probe sizes; a dim no such form fits is an
// error naming the value.
void infer_shapes(PassContext& ctx);
// Op outputs that depend on no input's contents and hold the same data at
// every probe become weights; their ops go.
void fold_constants(PassContext& ctx);
// DequantizeLinear of constant int8/uint8 weights (per tensor or per
// channel) -> f32 weights (fold_constants misses the large ones).
void dequantize_weights(PassContext& ctx);
// Decomposed LayerNorm (ReduceMean/Sub/Pow/Add/Sqrt/Div/Mul/Add) ->
// LayerNormalization over the last axis.
void fuse_layer_norm(PassContext& ctx);
// Erf and tanh GELU subgraphs -> Gelu (approximate "none" / "tanh").
void fuse_gelu(PassContext& ctx);
// word + position + token-type Gathers summed, then LayerNormalization ->
// EmbedLayerNorm (with its mask_bias output).
void fuse_embed_layer_norm(PassContext& ctx);
// MatMul + Add of a constant [K,N] weight and [N] bias, or Gemm -> MatMul.
void fuse_linear(PassContext& ctx);
// QuantizeLinear -> DequantizeLinear pairs (per tensor, int8 or uint8) in
// front of fused MatMuls -> the MatMuls' static input scale (the pair goes
// when nothing else reads it); a pair it cannot fold leaves its reason on
// the MatMul (ir::kInputQuantizationRefusal) for --explain.
void fold_qdq(PassContext& ctx);
// Tanh(MatMul(hidden[:, 0, :])) -> Pooler.
void fuse_pooler(PassContext& ctx);
// Gelu or Tanh of a MatMul's only use -> the MatMul's activation.
void fuse_activation(PassContext& ctx);
// Q/K/V MatMuls, head split, scaled scores + mask, softmax, context merge ->
// one packed QKV MatMul and Attention.
void fuse_attention(PassContext& ctx);
// LayerNormalization(a + b) -> AddLayerNorm.
void fuse_add_layer_norm(PassContext& ctx);
// Every ONNX op left unfused -> the generic op of minirt.fbs that computes
// it, its constant operands (shapes, axes, slice bounds) turned into
// attributes or symbolic dims; appends "'node' (Type) -> Kind" to
// `fallbacks`. An op no generic op covers is an error naming it.
void lower_to_generic(PassContext& ctx, std::vector<std::string>& fallbacks);
// Whether lower_to_generic has a generic op for an ONNX op type (it may
// still reject a node of it for its attributes or operands).
bool has_generic_op(std::string_view onnx_type);
// --explain's int8 lines: per fused MatMul, a static input scale or per-row
// scales (and why), and whether its weights are on the int8 grid the runtime
// requantizes them to (per output column, symmetric): "s8 weights as stored".
std::vector<std::string> int8_matmul_report(const ir::Graph& g);
// Drops ops whose outputs nothing reads (after each fusion pass).
void remove_dead_ops(ir::Graph& g);
// Drops values no op or graph end uses and renumbers the rest (last: probe
// facts are indexed by the importer's ids).
void compact_values(ir::Graph& g);

}  // namespace minirt::converter::passes
