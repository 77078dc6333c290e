// Op types and attribute spellings of the fused ops minirt.fbs defines: the
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
}  // namespace op_type

// Values of MatMul's "activation" attribute, spelled as minirt.fbs's Activation.
namespace activation {
inline constexpr std::string_view kNone = "None";
inline constexpr std::string_view kGeluErf = "GeluErf";
inline constexpr std::string_view kGeluTanh = "GeluTanh";
inline constexpr std::string_view kTanh = "Tanh";
}  // namespace activation

}  // namespace minirt::ir
