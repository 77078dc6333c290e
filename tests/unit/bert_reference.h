// A BERT forward pass in double precision, written from the Hugging Face
// modelling code and nothing of minirt's: the oracle the converted variants
// are checked against. Plain loops; slow, and meant for tiny configs.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "tests/unit/bert_onnx_export.h"

namespace minirt::test {

struct BertReferenceInputs {
  int64_t batch = 0, seq = 0;
  std::vector<int64_t> input_ids, attention_mask, token_type_ids;  // [batch, seq]
};

class BertReference {
 public:
  BertReference(const hf::BertConfig& config, const hf::TensorSet& tensors)
      : c_(config), tensors_(tensors) {
    prefix_ =
        c_.architecture == hf::BertArchitecture::kBertForSequenceClassification ? "bert." : "";
  }

  // BertModel: last_hidden_state [B,S,H] and pooler_output [B,H];
  // a classifier: logits [B,num_labels]. In graph output order.
  std::vector<std::vector<double>> run(const BertReferenceInputs& in) const {
    const int64_t rows = in.batch * in.seq, hidden_size = c_.hidden_size;
    const std::vector<double> word = param(prefix_ + "embeddings.word_embeddings.weight"),
                              position = param(prefix_ + "embeddings.position_embeddings.weight"),
                              type = param(prefix_ + "embeddings.token_type_embeddings.weight");
    std::vector<double> h(static_cast<size_t>(rows * hidden_size));
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t j = 0; j < hidden_size; ++j) {
        h[r * hidden_size + j] = word[in.input_ids[r] * hidden_size + j] +
                                 position[(r % in.seq) * hidden_size + j] +
                                 type[in.token_type_ids[r] * hidden_size + j];
      }
    }
    layer_norm(h, prefix_ + "embeddings.LayerNorm");
    for (int64_t l = 0; l < c_.num_layers; ++l)
      h = layer(h, in, prefix_ + "encoder.layer." + std::to_string(l) + ".");
    std::vector<double> first(static_cast<size_t>(in.batch * hidden_size));
    for (int64_t b = 0; b < in.batch; ++b) {
      std::copy_n(h.begin() + b * in.seq * hidden_size, hidden_size,
                  first.begin() + b * hidden_size);
    }
    std::vector<double> pooled = linear(first, prefix_ + "pooler.dense");
    for (double& v : pooled) v = std::tanh(v);
    if (!prefix_.empty()) return {linear(pooled, "classifier")};
    return {h, pooled};
  }

 private:
  // Parameters by their full checkpoint name.
  std::vector<double> param(const std::string& name) const {
    const std::vector<float> f = tensor_floats(tensors_, name);
    return {f.begin(), f.end()};
  }

  // x [rows, K] @ W^T + b for the nn.Linear `module` (full tensor name prefix).
  std::vector<double> linear(const std::vector<double>& x, const std::string& module) const {
    const std::vector<double> w = param(module + ".weight"), bias = param(module + ".bias");
    const size_t n = bias.size(), k = w.size() / n, rows = x.size() / k;
    std::vector<double> y(rows * n);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t o = 0; o < n; ++o) {
        double sum = bias[o];
        for (size_t i = 0; i < k; ++i) sum += x[r * k + i] * w[o * k + i];
        y[r * n + o] = sum;
      }
    }
    return y;
  }

  void layer_norm(std::vector<double>& x, const std::string& module) const {
    const std::vector<double> gamma = param(module + ".weight"), beta = param(module + ".bias");
    const size_t n = gamma.size();
    for (size_t r = 0; r < x.size() / n; ++r) {
      double mean = 0, variance = 0;
      for (size_t j = 0; j < n; ++j) mean += x[r * n + j] / double(n);
      for (size_t j = 0; j < n; ++j) variance += std::pow(x[r * n + j] - mean, 2) / double(n);
      const double inv = 1 / std::sqrt(variance + c_.layer_norm_eps);
      for (size_t j = 0; j < n; ++j)
        x[r * n + j] = (x[r * n + j] - mean) * inv * gamma[j] + beta[j];
    }
  }

  double gelu(double x) const {
    if (c_.gelu == hf::GeluKind::kErf) return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
    return 0.5 * x * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (x + 0.044715 * x * x * x)));
  }

  std::vector<double> self_attention(const std::vector<double>& h, const BertReferenceInputs& in,
                                     const std::string& at) const {
    const std::vector<double> q = linear(h, at + "attention.self.query"),
                              k = linear(h, at + "attention.self.key"),
                              v = linear(h, at + "attention.self.value");
    const int64_t width = c_.hidden_size, head_dim = c_.head_dim();
    std::vector<double> context(h.size()), scores(static_cast<size_t>(in.seq));
    for (int64_t b = 0; b < in.batch; ++b) {
      for (int64_t head = 0; head < c_.num_heads; ++head) {
        for (int64_t i = 0; i < in.seq; ++i) {
          const int64_t qi = (b * in.seq + i) * width + head * head_dim;
          double top = -std::numeric_limits<double>::infinity(), total = 0;
          for (int64_t j = 0; j < in.seq; ++j) {
            const int64_t kj = (b * in.seq + j) * width + head * head_dim;
            double dot = 0;
            for (int64_t d = 0; d < head_dim; ++d) dot += q[qi + d] * k[kj + d];
            scores[j] = in.attention_mask[b * in.seq + j] != 0
                            ? dot / std::sqrt(double(head_dim))
                            : -std::numeric_limits<double>::infinity();
            top = std::max(top, scores[j]);
          }
          for (double& s : scores) total += s = std::exp(s - top);
          for (int64_t j = 0; j < in.seq; ++j) {
            const int64_t vj = (b * in.seq + j) * width + head * head_dim;
            for (int64_t d = 0; d < head_dim; ++d) context[qi + d] += scores[j] / total * v[vj + d];
          }
        }
      }
    }
    return context;
  }

  std::vector<double> layer(const std::vector<double>& h, const BertReferenceInputs& in,
                            const std::string& at) const {
    std::vector<double> h1 = linear(self_attention(h, in, at), at + "attention.output.dense");
    for (size_t i = 0; i < h1.size(); ++i) h1[i] += h[i];
    layer_norm(h1, at + "attention.output.LayerNorm");
    std::vector<double> inter = linear(h1, at + "intermediate.dense");
    for (double& x : inter) x = gelu(x);
    std::vector<double> out = linear(inter, at + "output.dense");
    for (size_t i = 0; i < out.size(); ++i) out[i] += h1[i];
    layer_norm(out, at + "output.LayerNorm");
    return out;
  }

  const hf::BertConfig& c_;
  const hf::TensorSet& tensors_;
  std::string prefix_;
};

}  // namespace minirt::test
