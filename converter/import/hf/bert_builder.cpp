#include "converter/import/hf/bert_builder.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <map>

#include "converter/import/hf/bert_tensors.h"
#include "converter/ir/op_types.h"

namespace minirt::converter::hf {

namespace {

using ir::kBatchDim;
using ir::kSeqDim;

std::string float_string(float value) {
  char buf[32];
  auto result = std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, result.ptr);
}

class BertGraphBuilder {
 public:
  BertGraphBuilder(const BertConfig& config, const TensorSet& tensors)
      : c_(config), h_(config.hidden_size) {
    const std::string prefix =
        tensors.contains("bert.embeddings.word_embeddings.weight") ? "bert." : "";
    for (const TensorSpec& spec : bert_tensor_specs(config)) {
      const std::string name = spec.in_bert_module ? prefix + spec.name : spec.name;
      weights_[spec.name] = Tensor{"F32", spec.shape, tensors.f32(name, spec.shape)};
    }
  }

  ir::Graph build() {
    const int input_ids = add_input("input_ids");
    const int attention_mask = add_input("attention_mask");
    const int token_type_ids = add_input("token_type_ids");

    int hidden = add_value("embeddings", {kBatchDim, kSeqDim, ir::const_dim(h_)});
    const int mask_bias = add_value("mask_bias", {kBatchDim, kSeqDim});
    ir::Op embed =
        op(ir::op_name(fb::OpParams::EmbedLayerNorm), "embeddings",
           {input_ids, token_type_ids, attention_mask, weight("embeddings.word_embeddings.weight"),
            weight("embeddings.position_embeddings.weight"),
            weight("embeddings.token_type_embeddings.weight"),
            weight("embeddings.LayerNorm.weight"), weight("embeddings.LayerNorm.bias")},
           {hidden, mask_bias});
    embed.attrs.set("epsilon", c_.layer_norm_eps);
    g_.ops.push_back(std::move(embed));

    for (int64_t l = 0; l < c_.num_layers; ++l) {
      const bool last = l + 1 == c_.num_layers;
      hidden = add_layer(l, hidden, mask_bias, last ? "last_hidden_state" : "");
    }
    const bool classifier = c_.architecture == BertArchitecture::kBertForSequenceClassification;
    // A classifier returns only logits, as transformers' does.
    if (!classifier) mark_output(hidden);

    const int pooled =
        add_value(classifier ? "pooled" : "pooler_output", {kBatchDim, ir::const_dim(h_)});
    g_.ops.push_back(op(ir::op_name(fb::OpParams::Pooler), "pooler",
                        {hidden, weight("pooler.dense.weight"), weight("pooler.dense.bias")},
                        {pooled}));
    if (classifier) {
      const int logits = add_value("logits", {kBatchDim, ir::const_dim(c_.num_labels)});
      add_matmul("classifier", pooled, "classifier", ir::activation_name(fb::Activation::None),
                 logits);
      mark_output(logits);
    } else {
      mark_output(pooled);
    }
    add_metadata();
    return std::move(g_);
  }

 private:
  // One encoder layer; returns its output hidden state, named `out_name` when
  // given (the last layer's is last_hidden_state) and "...output_ln" if not.
  int add_layer(int64_t l, int hidden, int mask_bias, const std::string& out_name) {
    const std::string name = "encoder.layer." + std::to_string(l) + ".";
    const int qkv = add_value(name + "qkv", activation_shape(3 * h_));
    add_qkv_matmul(l, name + "qkv", hidden, qkv);

    const int ctx = add_value(name + "attention", activation_shape(h_));
    ir::Op attention =
        op(ir::op_name(fb::OpParams::Attention), name + "attention", {qkv, mask_bias}, {ctx});
    attention.attrs.set("num_heads", c_.num_heads);
    attention.attrs.set("head_dim", c_.head_dim());
    attention.attrs.set("scale", static_cast<float>(1.0 / std::sqrt(double(c_.head_dim()))));
    g_.ops.push_back(std::move(attention));

    const int attn_proj = add_value(name + "attention_out", activation_shape(h_));
    add_matmul(name + "attention_out", ctx, layer_tensor(l, "attention.output.dense"),
               ir::activation_name(fb::Activation::None), attn_proj);
    const int hidden_attn = add_value(name + "attention_ln", activation_shape(h_));
    add_layer_norm(name + "attention_ln", attn_proj, hidden,
                   layer_tensor(l, "attention.output.LayerNorm"), hidden_attn);

    const int inter = add_value(name + "ffn_in", activation_shape(c_.intermediate_size));
    add_matmul(name + "ffn_in", hidden_attn, layer_tensor(l, "intermediate.dense"),
               c_.gelu == GeluKind::kErf ? ir::activation_name(fb::Activation::GeluErf)
                                         : ir::activation_name(fb::Activation::GeluTanh),
               inter);
    const int ffn_proj = add_value(name + "ffn_out", activation_shape(h_));
    add_matmul(name + "ffn_out", inter, layer_tensor(l, "output.dense"),
               ir::activation_name(fb::Activation::None), ffn_proj);
    const int next =
        add_value(out_name.empty() ? name + "output_ln" : out_name, activation_shape(h_));
    add_layer_norm(name + "output_ln", ffn_proj, hidden_attn, layer_tensor(l, "output.LayerNorm"),
                   next);
    return next;
  }

  // Q, K and V projections as one MatMul: weights stacked along N into
  // [3H, H], biases into [3H], the order Attention expects.
  void add_qkv_matmul(int64_t l, const std::string& name, int src, int dst) {
    std::vector<float> w(static_cast<size_t>(3 * h_ * h_));
    std::vector<float> b(static_cast<size_t>(3 * h_));
    const char* parts[] = {"query", "key", "value"};
    for (size_t i = 0; i < 3; ++i) {
      const std::string part = layer_tensor(l, std::string("attention.self.") + parts[i]);
      const ir::WeightBytes& wp = weights_.at(part + ".weight").bytes;
      const ir::WeightBytes& bp = weights_.at(part + ".bias").bytes;
      std::memcpy(w.data() + i * h_ * h_, wp.bytes().data(), wp.size());
      std::memcpy(b.data() + i * h_, bp.bytes().data(), bp.size());
    }
    const std::string fused = layer_tensor(l, "attention.self.qkv");
    const int weight = g_.add_weight(fused + ".weight", ir::DType::kF32, {3 * h_, h_},
                                     ir::WeightBytes::owned(std::move(w)));
    const int bias = g_.add_weight(fused + ".bias", ir::DType::kF32, {3 * h_},
                                   ir::WeightBytes::owned(std::move(b)));
    ir::Op matmul =
        op(ir::op_name(fb::OpParams::MatMul), name, {src, weight, bias, ir::kNoValue}, {dst});
    matmul.attrs.set("activation", std::string(ir::activation_name(fb::Activation::None)));
    g_.ops.push_back(std::move(matmul));
  }

  // dst = act(src x W^T + b) with W, b the tensors `dense`.weight / .bias.
  void add_matmul(const std::string& name, int src, const std::string& dense,
                  std::string_view activation, int dst) {
    ir::Op matmul =
        op(ir::op_name(fb::OpParams::MatMul), name,
           {src, weight(dense + ".weight"), weight(dense + ".bias"), ir::kNoValue}, {dst});
    matmul.attrs.set("activation", std::string(activation));
    g_.ops.push_back(std::move(matmul));
  }

  void add_layer_norm(const std::string& name, int src, int residual, const std::string& ln,
                      int dst) {
    ir::Op norm = op(ir::op_name(fb::OpParams::AddLayerNorm), name,
                     {src, residual, weight(ln + ".weight"), weight(ln + ".bias")}, {dst});
    norm.attrs.set("epsilon", c_.layer_norm_eps);
    g_.ops.push_back(std::move(norm));
  }

  static ir::Op op(std::string_view type, std::string name, std::vector<int> inputs,
                   std::vector<int> outputs) {
    ir::Op o;
    o.type = type;
    o.name = std::move(name);
    o.inputs = std::move(inputs);
    o.outputs = std::move(outputs);
    return o;
  }

  ir::Shape activation_shape(int64_t width) const {
    return {kBatchDim, kSeqDim, ir::const_dim(width)};
  }

  int add_input(const std::string& name) {
    const int id = g_.add_value(
        ir::Value{name, ir::DType::kI64, {kBatchDim, kSeqDim}, ir::ValueKind::kInput, {}});
    g_.inputs.push_back(id);
    return id;
  }

  void mark_output(int id) {
    g_.values[id].kind = ir::ValueKind::kOutput;
    g_.outputs.push_back(id);
  }

  int add_value(const std::string& name, ir::Shape shape) {
    return g_.add_value(
        ir::Value{name, ir::DType::kF32, std::move(shape), ir::ValueKind::kIntermediate, {}});
  }

  // Adds checkpoint tensor `name` (without "bert.") as a weight value.
  int weight(const std::string& name) {
    const Tensor& t = weights_.at(name);
    return g_.add_weight(name, ir::DType::kF32, t.shape, t.bytes);
  }

  void add_metadata() {
    auto& m = g_.metadata;
    m.emplace_back("architecture", architecture_name(c_.architecture));
    m.emplace_back("hidden_size", std::to_string(c_.hidden_size));
    m.emplace_back("num_layers", std::to_string(c_.num_layers));
    m.emplace_back("num_heads", std::to_string(c_.num_heads));
    m.emplace_back("intermediate_size", std::to_string(c_.intermediate_size));
    m.emplace_back("vocab_size", std::to_string(c_.vocab_size));
    m.emplace_back("max_position_embeddings", std::to_string(c_.max_position_embeddings));
    m.emplace_back("type_vocab_size", std::to_string(c_.type_vocab_size));
    m.emplace_back("hidden_act", c_.hidden_act);
    m.emplace_back("layer_norm_eps", float_string(c_.layer_norm_eps));
    if (c_.architecture == BertArchitecture::kBertForSequenceClassification) {
      m.emplace_back("num_labels", std::to_string(c_.num_labels));
    }
  }

  const BertConfig& c_;
  const int64_t h_;
  std::map<std::string, Tensor> weights_;  // f32, checked against bert_tensor_specs
  ir::Graph g_;
};

}  // namespace

ir::Graph build_bert_graph(const BertConfig& config, const TensorSet& tensors) {
  return BertGraphBuilder(config, tensors).build();
}

}  // namespace minirt::converter::hf
