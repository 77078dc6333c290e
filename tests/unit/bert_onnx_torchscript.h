// The TorchScript exporter's way (torch.onnx.export(dynamo=False), opset 14),
// as in ../shared/models/*/model.onnx: Constant nodes for every constant,
// LayerNorm decomposed into ReduceMean/Sub/Pow/Add/Sqrt/Div/Mul/Add, the
// transformers 5 mask built from Range/Unsqueeze/Flatten/Gather/Expand/Where,
// and head reshapes whose target shapes are recomputed from Shape/Gather/
// Unsqueeze/Concat for every Reshape.
#pragma once

#include <limits>

#include "tests/unit/bert_onnx_export.h"

namespace minirt::test {

class TorchScriptStyle final : public ExportStyle {
 public:
  int64_t opset() const override { return 14; }
  std::string constant(OnnxGraphBuilder& b, const OnnxTensor& t) override {
    return b.constant_node(t);
  }
  std::vector<Bytes> gather_attributes() const override { return {}; }
  std::vector<Bytes> gemm_attributes() const override {
    return {float_attr("alpha", 1), float_attr("beta", 1), int_attr("transB", 1)};
  }

  std::string position_ids(OnnxGraphBuilder& b, int64_t max_positions) override {
    const std::string seq = dim(b, "input_ids", 1);
    const OnnxTensor buffer = position_ids_buffer(max_positions);
    return b.node("Slice",
                  {constant(b, buffer), vec(b, 0), unsqueeze0(b, seq), vec(b, 1), vec(b, 1)});
  }

  std::string layer_norm(OnnxGraphBuilder& b, const std::string& x, const std::string& gamma,
                         const std::string& beta, float epsilon) override {
    const std::vector<Bytes> last_axis = {ints_attr("axes", {-1})};
    const std::string centered = b.node("Sub", {x, b.node("ReduceMean", {x}, last_axis)});
    const std::string square = b.node("Pow", {centered, constant(b, f32_scalar(2))});
    const std::string variance = b.node("ReduceMean", {square}, last_axis);
    const std::string stddev =
        b.node("Sqrt", {b.node("Add", {variance, constant(b, f32_scalar(epsilon))})});
    const std::string scaled = b.node("Mul", {b.node("Div", {centered, stddev}), gamma});
    return b.node("Add", {scaled, beta});
  }

  std::string mask_bias(OnnxGraphBuilder& b, const std::string& hidden) override {
    const std::string mask =
        b.node("Cast", {"attention_mask"}, {int_attr("to", TensorProto::kBool)});
    seq_ = dim(b, hidden, 1);
    const std::string key_len = dim(b, mask, 1);
    batch_ = dim(b, hidden, 0);
    const std::string batch_idx = unsqueeze_each(b, range(b, batch_), {1, 2, 3});  // [B,1,1,1]
    const std::string query_idx = unsqueeze_each(b, range(b, seq_), {0, 1, 3});    // [1,1,S,1]
    const std::string key_idx = unsqueeze_each(b, range(b, key_len), {0, 1, 2});   // [1,1,1,S]
    const std::string all =
        b.node("ConstantOfShape", {constant(b, i64_vector({}))},
               {tensor_attr("value", OnnxTensor{TensorProto::kBool, {1}, {1}})});
    const std::string causal_free = b.node(
        "And",
        {all, to_bool(b, b.node("GreaterOrEqual", {query_idx, constant(b, i64_scalar(0))}))});
    // mask.flatten()[b * S + k], reshaped to the index's shape.
    const std::string row_len =
        b.node("Gather", {b.node("Shape", {mask}), vec(b, 1)}, {int_attr("axis", 0)});
    const std::string flat = b.node("Flatten", {mask}, {int_attr("axis", 2)});
    const std::string index = b.node("Add", {key_idx, b.node("Mul", {batch_idx, row_len})});
    const std::string picked = b.node("Gather", {flat, index}, {int_attr("axis", 0)});
    const std::string padding =
        b.node("Reshape",
               {b.node("Reshape", {picked, vec(b, -1)}, {int_attr("allowzero", 0)}),
                b.node("Concat", {b.node("Shape", {index})}, {int_attr("axis", 0)})},
               {int_attr("allowzero", 0)});
    const std::string keep = b.node("And", {causal_free, to_bool(b, padding)});
    // expand(batch, -1, S, S): -1 entries become 1 through Equal/Where.
    const std::string target = b.node(
        "Reshape",
        {b.node("Concat",
                {unsqueeze0(b, batch_), vec(b, -1), unsqueeze0(b, seq_), unsqueeze0(b, key_len)},
                {int_attr("axis", 0)}),
         vec(b, -1)},
        {int_attr("allowzero", 0)});
    const std::string ones = b.node("ConstantOfShape", {b.node("Shape", {target})},
                                    {tensor_attr("value", i64_vector({1}))});
    const std::string is_minus_one =
        b.node("Equal", {target, b.node("Mul", {ones, constant(b, i64_scalar(-1))})});
    const std::string shape = b.node("Where", {is_minus_one, ones, target});
    const std::string expanded = b.node("Expand", {keep, shape});
    return b.node("Where", {expanded, constant(b, f32_scalar(0)),
                            constant(b, f32_scalar(std::numeric_limits<float>::lowest()))});
  }

  // Layer 0 reuses the mask's batch and seq dims; later layers read their
  // input's shape again (what TorchScript's tracing left in the shared exports).
  void begin_layer(OnnxGraphBuilder& b, int64_t layer, const std::string& hidden) override {
    if (layer == 0) return;
    batch_ = dim(b, hidden, 0);
    seq_ = dim(b, hidden, 1);
  }
  std::string split_heads(OnnxGraphBuilder& b, const std::string& x, int64_t head_dim) override {
    return reshape(b, x,
                   {unsqueeze0(b, batch_), unsqueeze0(b, seq_), vec(b, -1), vec(b, head_dim)});
  }
  std::string merge_heads(OnnxGraphBuilder& b, const std::string& x) override {
    return reshape(b, x, {unsqueeze0(b, batch_), unsqueeze0(b, seq_), vec(b, -1)});
  }

  // x * (erf(x / sqrt 2) + 1) * 0.5, as torch.nn.functional.gelu exports.
  std::string gelu_erf(OnnxGraphBuilder& b, const std::string& x) override {
    const std::string erf =
        b.node("Erf", {b.node("Div", {x, constant(b, f32_scalar(std::sqrt(2.0)))})});
    const std::string one_plus = b.node("Add", {erf, constant(b, f32_scalar(1))});
    return b.node("Mul", {b.node("Mul", {x, one_plus}), constant(b, f32_scalar(0.5))});
  }
  std::string add_bias(OnnxGraphBuilder& b, const std::string& product,
                       const std::string& bias) override {
    return b.node("Add", {bias, product});
  }

 private:
  std::string vec(OnnxGraphBuilder& b, int64_t v) { return constant(b, i64_vector({v})); }
  std::string dim(OnnxGraphBuilder& b, const std::string& x, int64_t axis) {
    return b.node("Gather", {b.node("Shape", {x}), constant(b, i64_scalar(axis))},
                  {int_attr("axis", 0)});
  }
  std::string unsqueeze0(OnnxGraphBuilder& b, const std::string& x) {
    return b.node("Unsqueeze", {x, vec(b, 0)});
  }
  std::string unsqueeze_each(OnnxGraphBuilder& b, std::string x, const std::vector<int64_t>& axes) {
    for (int64_t axis : axes) x = b.node("Unsqueeze", {x, vec(b, axis)});
    return x;
  }
  std::string range(OnnxGraphBuilder& b, const std::string& n) {
    const std::string limit = b.node("Cast", {n}, {int_attr("to", TensorProto::kInt64)});
    return b.node("Range", {constant(b, i64_scalar(0)), limit, constant(b, i64_scalar(1))});
  }
  std::string to_bool(OnnxGraphBuilder& b, const std::string& x) {
    return b.node("Cast", {x}, {int_attr("to", TensorProto::kBool)});
  }
  std::string reshape(OnnxGraphBuilder& b, const std::string& x,
                      const std::vector<std::string>& dims) {
    const std::string shape = b.node("Concat", dims, {int_attr("axis", 0)});
    return b.node("Reshape", {x, shape}, {int_attr("allowzero", 0)});
  }

  std::string batch_, seq_;  // scalar dims of the current layer's input
};

}  // namespace minirt::test
