// Writes a Hugging Face BERT (BertModel or BertForSequenceClassification) as
// an ONNX graph the way PyTorch's exporters do, for any config and weights:
// the parts both exporters write alike live here, what differs (constants,
// LayerNorm, position ids, the attention mask, head reshapes, GELU, operand
// order) is an ExportStyle (bert_onnx_torchscript.h, bert_onnx_dynamo.h).
// The patterns mirror ../shared/models/*/model.onnx and model.dynamo.onnx
// node for node; names do not, on purpose.
#pragma once

#include <cmath>
#include <cstring>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include "converter/import/hf/bert_config.h"
#include "converter/import/hf/tensor_set.h"
#include "tests/unit/onnx_graph_builder.h"

namespace minirt::test {

namespace hf = converter::hf;

inline std::vector<float> tensor_floats(const hf::TensorSet& tensors, const std::string& name) {
  const std::span<const uint8_t> bytes = tensors.at(name).bytes.bytes();
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), bytes.size());
  return values;
}

// What one exporter writes its own way. Methods append nodes to `b` and
// return the name of the value they produce.
class ExportStyle {
 public:
  virtual ~ExportStyle() = default;
  virtual int64_t opset() const = 0;
  // A constant: a Constant node (TorchScript) or an initializer (dynamo).
  virtual std::string constant(OnnxGraphBuilder& b, const OnnxTensor& t) = 0;
  // Attributes at their default values that the exporter writes anyway.
  virtual std::vector<Bytes> gather_attributes() const = 0;
  virtual std::vector<Bytes> gemm_attributes() const = 0;
  // position_ids[:, :seq] of a [1, max_positions] buffer.
  virtual std::string position_ids(OnnxGraphBuilder& b, int64_t max_positions) = 0;
  virtual std::string layer_norm(OnnxGraphBuilder& b, const std::string& x,
                                 const std::string& gamma, const std::string& beta,
                                 float epsilon) = 0;
  // The additive mask [B,1,S,S]: 0 where attention_mask is 1, float lowest
  // where it is 0; `hidden` is the embedding output whose dims it may read.
  virtual std::string mask_bias(OnnxGraphBuilder& b, const std::string& hidden) = 0;
  // Called before each layer with its input.
  virtual void begin_layer(OnnxGraphBuilder& b, int64_t layer, const std::string& hidden) = 0;
  // Reshape [B,S,H] -> [B,S,heads,head_dim], and the context back to [B,S,H].
  virtual std::string split_heads(OnnxGraphBuilder& b, const std::string& x, int64_t head_dim) = 0;
  virtual std::string merge_heads(OnnxGraphBuilder& b, const std::string& x) = 0;
  virtual std::string gelu_erf(OnnxGraphBuilder& b, const std::string& x) = 0;
  // x @ W + bias as nn.Linear exports, the bias on the exporter's side of the Add.
  virtual std::string add_bias(OnnxGraphBuilder& b, const std::string& product,
                               const std::string& bias) = 0;

  // BertEmbeddings' position_ids buffer: [1, max_positions] holding 0, 1, ...
  static OnnxTensor position_ids_buffer(int64_t max_positions) {
    OnnxTensor buffer{TensorProto::kInt64, {1, max_positions}, {}};
    for (int64_t i = 0; i < max_positions; ++i) buffer.values.push_back(double(i));
    return buffer;
  }

  // HF's gelu_new, traced from its Python the same way by both exporters:
  // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))).
  std::string gelu_tanh(OnnxGraphBuilder& b, const std::string& x) {
    const std::string half = b.node("Mul", {x, constant(b, f32_scalar(0.5))});
    const std::string cube = b.node("Pow", {x, constant(b, f32_scalar(3.0))});
    const std::string inner = b.node("Mul", {cube, constant(b, f32_scalar(0.044715))});
    const std::string sum = b.node("Add", {x, inner});
    const std::string arg =
        b.node("Mul", {sum, constant(b, f32_scalar(std::sqrt(2.0 / std::numbers::pi)))});
    const std::string one_plus =
        b.node("Add", {b.node("Tanh", {arg}), constant(b, f32_scalar(1.0))});
    return b.node("Mul", {half, one_plus});
  }
};

class BertOnnxExport {
 public:
  BertOnnxExport(const hf::BertConfig& config, const hf::TensorSet& tensors, ExportStyle& style)
      : c_(config), tensors_(tensors), style_(style), b_(style.opset()) {}

  void write(const std::filesystem::path& path, bool external_data) {
    for (const char* name : {"input_ids", "attention_mask", "token_type_ids"}) b_.input(name);
    const bool classifier = c_.architecture == hf::BertArchitecture::kBertForSequenceClassification;
    prefix_ = classifier ? "bert." : "";
    std::string hidden = embeddings();
    const std::string mask = style_.mask_bias(b_, hidden);
    for (int64_t l = 0; l < c_.num_layers; ++l) hidden = layer(l, hidden, mask);
    const std::string first =
        b_.node("Gather", {hidden, style_.constant(b_, i64_scalar(0))}, {int_attr("axis", 1)});
    const std::string pooled = b_.node("Tanh", {gemm(first, prefix_ + "pooler.dense")});
    if (classifier) {
      b_.rename(gemm(pooled, "classifier"), "logits");
      b_.output("logits");
    } else {
      b_.rename(hidden, "last_hidden_state");
      b_.rename(pooled, "pooler_output");
      b_.output("last_hidden_state");
      b_.output("pooler_output");
    }
    b_.write(path, external_data);
  }

 private:
  // Tensors by their checkpoint name (with the "bert." prefix of a task model).
  std::string weight(const std::string& name) {
    return b_.initializer(f32_tensor(tensors_.at(name).shape, tensor_floats(tensors_, name)));
  }
  std::string gather(const std::string& table, const std::string& ids) {
    return b_.node("Gather", {weight(table), ids}, style_.gather_attributes());
  }
  // nn.Linear as MatMul by a [K,N] initializer (the exporters store W^T) + bias.
  std::string linear(const std::string& x, const std::string& module) {
    const hf::Tensor& w = tensors_.at(module + ".weight");
    const int64_t n = w.shape[0], k = w.shape[1];
    const std::vector<float> rows = tensor_floats(tensors_, module + ".weight");
    std::vector<float> transposed(rows.size());
    for (int64_t i = 0; i < n; ++i) {
      for (int64_t j = 0; j < k; ++j) transposed[j * n + i] = rows[i * k + j];
    }
    const std::string product =
        b_.node("MatMul", {x, b_.initializer(f32_tensor({k, n}, transposed))});
    return style_.add_bias(b_, product, weight(module + ".bias"));
  }
  // nn.Linear on a [B,H] input: Gemm with the [N,K] weight, transB=1.
  std::string gemm(const std::string& x, const std::string& module) {
    return b_.node("Gemm", {x, weight(module + ".weight"), weight(module + ".bias")},
                   style_.gemm_attributes());
  }
  std::string layer_norm(const std::string& x, const std::string& module) {
    return style_.layer_norm(b_, x, weight(module + ".weight"), weight(module + ".bias"),
                             c_.layer_norm_eps);
  }

  std::string embeddings() {
    const std::string words = gather(prefix_ + "embeddings.word_embeddings.weight", "input_ids");
    const std::string types =
        gather(prefix_ + "embeddings.token_type_embeddings.weight", "token_type_ids");
    const std::string sum = b_.node("Add", {words, types});
    const std::string positions = gather(prefix_ + "embeddings.position_embeddings.weight",
                                         style_.position_ids(b_, c_.max_position_embeddings));
    return layer_norm(b_.node("Add", {sum, positions}), prefix_ + "embeddings.LayerNorm");
  }

  std::string layer(int64_t l, const std::string& hidden, const std::string& mask) {
    const std::string at = prefix_ + "encoder.layer." + std::to_string(l) + ".";
    const int64_t head_dim = c_.head_dim();
    const std::vector<int64_t> heads_first = {0, 2, 1, 3}, keys_transposed = {0, 2, 3, 1};
    style_.begin_layer(b_, l, hidden);
    auto heads = [&](const std::string& module) {
      return style_.split_heads(b_, linear(hidden, at + "attention.self." + module), head_dim);
    };
    const std::string q = b_.node("Transpose", {heads("query")}, {ints_attr("perm", heads_first)});
    const std::string k = heads("key");
    const std::string v = b_.node("Transpose", {heads("value")}, {ints_attr("perm", heads_first)});
    const std::string k_t = b_.node("Transpose", {k}, {ints_attr("perm", keys_transposed)});
    const std::string scores =
        b_.node("Mul", {b_.node("MatMul", {q, k_t}),
                        style_.constant(b_, f32_scalar(1.0 / std::sqrt(double(head_dim))))});
    const std::string probs =
        b_.node("Softmax", {b_.node("Add", {scores, mask})}, {int_attr("axis", -1)});
    const std::string context =
        b_.node("Transpose", {b_.node("MatMul", {probs, v})}, {ints_attr("perm", heads_first)});
    const std::string attention =
        linear(style_.merge_heads(b_, context), at + "attention.output.dense");
    const std::string h1 =
        layer_norm(b_.node("Add", {attention, hidden}), at + "attention.output.LayerNorm");
    const std::string inter = linear(h1, at + "intermediate.dense");
    const std::string act =
        c_.gelu == hf::GeluKind::kTanh ? style_.gelu_tanh(b_, inter) : style_.gelu_erf(b_, inter);
    const std::string out = linear(act, at + "output.dense");
    return layer_norm(b_.node("Add", {out, h1}), at + "output.LayerNorm");
  }

  const hf::BertConfig& c_;
  const hf::TensorSet& tensors_;
  ExportStyle& style_;
  OnnxGraphBuilder b_;
  std::string prefix_;
};

}  // namespace minirt::test
