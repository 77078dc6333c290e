// Op types and attribute spellings of the ops minirt.fbs defines: the
// IR names them after the schema's OpParams union members, and emit accepts
// nothing else. An importer that brings in another format's ops keeps their
// source names under a prefix ("onnx::Add") until a pass rewrites them.
#pragma once

#include <string_view>

namespace minirt::ir {

namespace op_type {
inline constexpr std::string_view kEmbedLayerNorm = "EmbedLayerNorm";  // attr: epsilon
inline constexpr std::string_view kMatMul = "MatMul";                  // attr: activation
inline constexpr std::string_view kAttention = "Attention";  // attrs: num_heads, head_dim, scale
inline constexpr std::string_view kAddLayerNorm = "AddLayerNorm";  // attr: epsilon
inline constexpr std::string_view kPooler = "Pooler";

// Generic ops (ONNX semantics; see minirt.fbs).
inline constexpr std::string_view kElementwise = "Elementwise";  // attr: fn (an ElementwiseFn name)
inline constexpr std::string_view kGenericMatMul = "GenericMatMul";
inline constexpr std::string_view kGemm = "Gemm";        // attrs: alpha, beta, trans_a, trans_b
inline constexpr std::string_view kSoftmax = "Softmax";  // attr: axis
inline constexpr std::string_view kLayerNormalization = "LayerNormalization";  // axis, epsilon
inline constexpr std::string_view kReduceMean = "ReduceMean";                  // attr: axes
inline constexpr std::string_view kReshape = "Reshape";
inline constexpr std::string_view kTranspose = "Transpose";  // attr: perm
inline constexpr std::string_view kGather = "Gather";        // attr: axis
inline constexpr std::string_view kGatherND = "GatherND";
// attrs: starts (factors), start_symbols (bit 0 batch, bit 1 seq), steps
inline constexpr std::string_view kSlice = "Slice";
inline constexpr std::string_view kConcat = "Concat";  // attr: axis
inline constexpr std::string_view kExpand = "Expand";
inline constexpr std::string_view kRange = "Range";  // attrs: start, delta
// attrs: values (factors), value_symbols (bit 0 batch, bit 1 seq)
inline constexpr std::string_view kDimValues = "DimValues";
}  // namespace op_type

// Values of MatMul's "activation" attribute, spelled as minirt.fbs's Activation.
namespace activation {
inline constexpr std::string_view kNone = "None";
inline constexpr std::string_view kGeluErf = "GeluErf";
inline constexpr std::string_view kGeluTanh = "GeluTanh";
inline constexpr std::string_view kTanh = "Tanh";
}  // namespace activation

}  // namespace minirt::ir
