// The dynamo exporter's way (torch.onnx.export(dynamo=True), opset 18), as in
// ../shared/models/*/model.dynamo.onnx: constants are initializers,
// LayerNormalization is one op, sizes come from Shape(start, end) + Squeeze
// of token_type_ids, the mask picks attention_mask entries with GatherND, and
// one Concat'ed shape serves every head reshape (allowzero=1).
#pragma once

#include <limits>

#include "tests/unit/bert_onnx_export.h"

namespace minirt::test {

class DynamoStyle final : public ExportStyle {
 public:
  int64_t opset() const override { return 18; }
  std::string constant(OnnxGraphBuilder& b, const OnnxTensor& t) override {
    return b.initializer(t);
  }
  std::vector<Bytes> gather_attributes() const override { return {int_attr("axis", 0)}; }
  std::vector<Bytes> gemm_attributes() const override {
    return {float_attr("beta", 1), int_attr("transB", 1), float_attr("alpha", 1),
            int_attr("transA", 0)};
  }

  std::string position_ids(OnnxGraphBuilder& b, int64_t max_positions) override {
    batch_dim_ = b.node("Shape", {"token_type_ids"}, {int_attr("start", 0), int_attr("end", 1)});
    batch_ = b.node("Squeeze", {batch_dim_});
    seq_dim_ = b.node("Shape", {"token_type_ids"}, {int_attr("start", 1), int_attr("end", 2)});
    seq_ = b.node("Squeeze", {seq_dim_});
    const OnnxTensor buffer = position_ids_buffer(max_positions);
    const std::string one = constant(b, i64_vector({1}));
    return b.node("Slice", {constant(b, buffer), constant(b, i64_vector({0})), seq_dim_, one, one});
  }

  std::string layer_norm(OnnxGraphBuilder& b, const std::string& x, const std::string& gamma,
                         const std::string& beta, float epsilon) override {
    return b.node(
        "LayerNormalization", {x, gamma, beta},
        {int_attr("stash_type", 1), float_attr("epsilon", epsilon), int_attr("axis", -1)});
  }

  std::string mask_bias(OnnxGraphBuilder& b, const std::string&) override {
    const std::string mask =
        b.node("Cast", {"attention_mask"}, {int_attr("to", TensorProto::kBool)});
    const std::string zero = constant(b, i64_scalar(0)), one = constant(b, i64_scalar(1));
    const std::string batches = b.node("Range", {zero, batch_, one});
    const std::string positions = b.node("Range", {zero, seq_, one});
    const std::string batch_idx = b.node(
        "Unsqueeze", {b.node("Unsqueeze", {batches, constant(b, i64_vector({1, 2}))}), axis(b, 3)});
    const std::string positions3 =
        b.node("Unsqueeze", {positions, constant(b, i64_vector({0, 1}))});
    const std::string query_idx = b.node("Unsqueeze", {positions3, axis(b, 3)});  // [1,1,S,1]
    const std::string key_idx = b.node("Unsqueeze", {positions3, axis(b, 2)});    // [1,1,1,S]
    const std::string causal_free = b.node(
        "And", {constant(b, bool_scalar(true)), b.node("GreaterOrEqual", {query_idx, zero})});
    // attention_mask[batch_idx, key_idx] through GatherND on broadcast indices.
    const std::string shape =
        b.node("Shape", {b.node("Max", {batch_idx, key_idx})}, {int_attr("start", 0)});
    auto index = [&](const std::string& idx) {
      return b.node("Unsqueeze", {b.node("Expand", {idx, shape}), axis(b, -1)});
    };
    const std::string pairs =
        b.node("Concat", {index(batch_idx), index(key_idx)}, {int_attr("axis", -1)});
    const std::string padding = b.node("GatherND", {mask, pairs}, {int_attr("batch_dims", 0)});
    const std::string keep = b.node("And", {causal_free, padding});
    return b.node("Where", {keep, constant(b, f32_scalar(0)),
                            constant(b, f32_scalar(std::numeric_limits<float>::lowest()))});
  }

  void begin_layer(OnnxGraphBuilder&, int64_t, const std::string&) override {}
  std::string split_heads(OnnxGraphBuilder& b, const std::string& x, int64_t head_dim) override {
    if (split_shape_.empty()) {
      split_shape_ = b.node("Concat", {batch_dim_, seq_dim_, axis(b, -1), axis(b, head_dim)},
                            {int_attr("axis", 0)});
    }
    return b.node("Reshape", {x, split_shape_}, {int_attr("allowzero", 1)});
  }
  std::string merge_heads(OnnxGraphBuilder& b, const std::string& x) override {
    if (merge_shape_.empty()) {
      merge_shape_ = b.node("Concat", {batch_dim_, seq_dim_, axis(b, -1)}, {int_attr("axis", 0)});
    }
    return b.node("Reshape", {x, merge_shape_}, {int_attr("allowzero", 1)});
  }

  // x * (0.5 * (erf(x / sqrt 2) + 1)), the aten.gelu decomposition.
  std::string gelu_erf(OnnxGraphBuilder& b, const std::string& x) override {
    const std::string erf =
        b.node("Erf", {b.node("Div", {x, constant(b, f32_scalar(std::sqrt(2.0)))})});
    const std::string one_plus = b.node("Add", {erf, constant(b, f32_scalar(1))});
    return b.node("Mul", {x, b.node("Mul", {constant(b, f32_scalar(0.5)), one_plus})});
  }
  std::string add_bias(OnnxGraphBuilder& b, const std::string& product,
                       const std::string& bias) override {
    return b.node("Add", {product, bias});
  }

 private:
  std::string axis(OnnxGraphBuilder& b, int64_t v) { return constant(b, i64_vector({v})); }

  std::string batch_dim_, seq_dim_;  // [1] each, from Shape(token_type_ids)
  std::string batch_, seq_;          // the same as scalars
  std::string split_shape_, merge_shape_;
};

}  // namespace minirt::test
