// An ONNX model -> the IR, op for op: each node becomes an "onnx::<op_type>"
// op carrying its attributes; initializers and Constant nodes become weight
// values (external data mapped in place, every range bounds-checked). Shapes
// stay empty until passes/infer_shapes fills them.
#pragma once

#include <string_view>

#include "converter/import/onnx/onnx_model.h"
#include "converter/ir/graph.h"

namespace minirt::converter::onnx {

inline constexpr std::string_view kOnnxPrefix = "onnx::";
inline constexpr int64_t kMinOpset = 11, kMaxOpset = 21;

// Throws std::runtime_error naming the node (its name, op type and the
// model's opset) for an op outside the supported set, and naming the tensor
// for an unsupported dtype or a missing, short or out-of-range external file.
ir::Graph import_onnx(const OnnxModel& model);

// "Add" for "onnx::Add"; empty for a fused op.
std::string_view onnx_op_type(const ir::Op& op);

}  // namespace minirt::converter::onnx
