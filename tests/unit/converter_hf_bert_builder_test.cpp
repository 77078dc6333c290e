// The BERT builder on tiny configs with random weights: the exact fused op
// list for 1 and 3 layers and for a classifier, QKV packing, tensor-name
// prefixes, checkpoint errors, and a full run through emit and through a
// safetensors file.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "converter/emit/model_writer.h"
#include "converter/import/hf/bert_builder.h"
#include "converter/import/hf/random_weights.h"
#include "converter/import/hf/safetensors.h"
#include "converter/ir/op_types.h"
#include "format/minirt_generated.h"

namespace {

namespace fs = std::filesystem;
namespace ir = minirt::ir;
namespace fb = minirt::fb;
namespace hf = minirt::converter::hf;

hf::BertConfig tiny_config(int64_t layers, bool classifier, const char* act = "gelu") {
  std::string json = R"({"model_type": "bert", "hidden_size": 8, "num_attention_heads": 2,
    "intermediate_size": 16, "vocab_size": 20, "max_position_embeddings": 16,
    "type_vocab_size": 2, "layer_norm_eps": 1e-5, "num_hidden_layers": )" +
                     std::to_string(layers) + R"(, "hidden_act": ")" + act + "\"";
  if (classifier)
    json += R"(, "architectures": ["BertForSequenceClassification"], "num_labels": 3)";
  return hf::parse_bert_config(json + "}", "tiny config");
}

std::vector<std::string> op_types(const ir::Graph& g) {
  std::vector<std::string> types;
  for (const ir::Op& op : g.ops) types.push_back(op.type);
  return types;
}

std::vector<std::string> expected_types(int64_t layers, bool classifier) {
  std::vector<std::string> types = {"EmbedLayerNorm"};
  for (int64_t l = 0; l < layers; ++l) {
    types.insert(types.end(), {"MatMul", "Attention", "MatMul", "AddLayerNorm", "MatMul", "MatMul",
                               "AddLayerNorm"});
  }
  types.push_back("Pooler");
  if (classifier) types.push_back("MatMul");
  return types;
}

const ir::Value& value(const ir::Graph& g, int id) { return g.values.at(static_cast<size_t>(id)); }

std::vector<std::string> names(const ir::Graph& g, const std::vector<int>& ids) {
  std::vector<std::string> out;
  for (int id : ids) out.push_back(id < 0 ? "-" : value(g, id).name);
  return out;
}

std::string error_of(const hf::BertConfig& c, const hf::TensorSet& t) {
  try {
    hf::build_bert_graph(c, t);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The same tensors under names with `from` prefix replaced by `to`.
hf::TensorSet renamed(const hf::TensorSet& src, const std::string& from, const std::string& to) {
  hf::TensorSet dst("renamed");
  for (const auto& [name, t] : src.tensors()) {
    dst.add(name.starts_with(from) ? to + name.substr(from.size()) : name, t);
  }
  return dst;
}

// Writes `tensors` as a safetensors file, the way save_pretrained does.
void write_safetensors(const fs::path& path, const hf::TensorSet& tensors) {
  nlohmann::json header = nlohmann::json::object();
  std::string data;
  for (const auto& [name, t] : tensors.tensors()) {
    header[name] = {{"dtype", t.dtype},
                    {"shape", t.shape},
                    {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
    data.append(reinterpret_cast<const char*>(t.bytes.bytes().data()), t.bytes.size());
  }
  const std::string text = header.dump();
  const uint64_t length = text.size();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(&length), 8);
  out << text << data;
}

}  // namespace

TEST_CASE("bert builder: the fused op list of a BertModel, 1 and 3 layers") {
  for (int64_t layers : {1, 3}) {
    CAPTURE(layers);
    const hf::BertConfig config = tiny_config(layers, false);
    const ir::Graph g = hf::build_bert_graph(config, hf::random_bert_tensors(config, 7));
    CHECK(op_types(g) == expected_types(layers, false));
    CHECK(g.ops.size() == static_cast<size_t>(2 + 7 * layers));
    CHECK(names(g, g.inputs) ==
          std::vector<std::string>{"input_ids", "attention_mask", "token_type_ids"});
    CHECK(names(g, g.outputs) == std::vector<std::string>{"last_hidden_state", "pooler_output"});
    CHECK(ir::to_string(value(g, g.outputs[0]).shape) == "[B,S,8]");
    CHECK(ir::to_string(value(g, g.outputs[1]).shape) == "[B,8]");

    const ir::Op& embed = g.ops[0];
    CHECK(names(g, embed.inputs) ==
          std::vector<std::string>{
              "input_ids", "token_type_ids", "attention_mask", "embeddings.word_embeddings.weight",
              "embeddings.position_embeddings.weight", "embeddings.token_type_embeddings.weight",
              "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"});
    CHECK(names(g, embed.outputs) == std::vector<std::string>{"embeddings", "mask_bias"});
    CHECK(embed.attrs.get_float("epsilon") == 1e-5f);

    const std::string p = "encoder.layer." + std::to_string(layers - 1) + ".";
    const ir::Op* layer = &g.ops[1 + 7 * (layers - 1)];
    CHECK(layer[0].name == p + "qkv");
    CHECK(names(g, layer[0].inputs) ==
          std::vector<std::string>{layers == 1 ? "embeddings" : "encoder.layer.1.output_ln",
                                   p + "attention.self.qkv.weight", p + "attention.self.qkv.bias",
                                   "-"});
    CHECK(ir::to_string(value(g, layer[0].outputs[0]).shape) == "[B,S,24]");
    CHECK(layer[1].name == p + "attention");
    CHECK(names(g, layer[1].inputs) == std::vector<std::string>{p + "qkv", "mask_bias"});
    CHECK(layer[1].attrs.get_int("num_heads") == 2);
    CHECK(layer[1].attrs.get_int("head_dim") == 4);
    CHECK(layer[1].attrs.get_float("scale") == 0.5f);
    CHECK(layer[2].name == p + "attention_out");
    CHECK(layer[3].name == p + "attention_ln");
    CHECK(names(g, layer[3].inputs)[0] == p + "attention_out");
    CHECK(layer[4].name == p + "ffn_in");
    CHECK(layer[4].attrs.get_string("activation") == ir::activation_name(fb::Activation::GeluErf));
    CHECK(ir::to_string(value(g, layer[4].outputs[0]).shape) == "[B,S,16]");
    CHECK(layer[5].name == p + "ffn_out");
    CHECK(layer[5].attrs.get_string("activation") == ir::activation_name(fb::Activation::None));
    CHECK(layer[6].name == p + "output_ln");
    CHECK(names(g, layer[6].inputs) == std::vector<std::string>{p + "ffn_out", p + "attention_ln",
                                                                p + "output.LayerNorm.weight",
                                                                p + "output.LayerNorm.bias"});
    CHECK(names(g, layer[6].outputs) == std::vector<std::string>{"last_hidden_state"});
    CHECK(names(g, g.ops.back().inputs) == std::vector<std::string>{"last_hidden_state",
                                                                    "pooler.dense.weight",
                                                                    "pooler.dense.bias"});
  }
}

TEST_CASE("bert builder: tanh GELU variants give GeluTanh") {
  const hf::BertConfig config = tiny_config(1, false, "gelu_new");
  const ir::Graph g = hf::build_bert_graph(config, hf::random_bert_tensors(config, 1));
  CHECK(g.ops[5].attrs.get_string("activation") == ir::activation_name(fb::Activation::GeluTanh));
}

TEST_CASE("bert builder: a sequence classifier ends in logits") {
  const hf::BertConfig config = tiny_config(2, true);
  const hf::TensorSet tensors = hf::random_bert_tensors(config, 3);
  CHECK(tensors.contains("bert.encoder.layer.1.output.dense.weight"));
  CHECK(tensors.contains("classifier.weight"));
  const ir::Graph g = hf::build_bert_graph(config, tensors);
  CHECK(op_types(g) == expected_types(2, true));
  CHECK(names(g, g.outputs) == std::vector<std::string>{"logits"});
  CHECK(ir::to_string(value(g, g.outputs[0]).shape) == "[B,3]");
  CHECK(names(g, g.ops.back().inputs) ==
        std::vector<std::string>{"pooled", "classifier.weight", "classifier.bias", "-"});
  for (int id = 0; id < static_cast<int>(g.values.size()); ++id) {
    if (value(g, id).name == "last_hidden_state" || value(g, id).name == "pooled") {
      CHECK(value(g, id).kind == ir::ValueKind::kIntermediate);
    }
  }
  // The same weights without the "bert." prefix build the same graph.
  const ir::Graph unprefixed = hf::build_bert_graph(config, renamed(tensors, "bert.", ""));
  CHECK(op_types(unprefixed) == op_types(g));
  CHECK(value(unprefixed, unprefixed.ops[1].inputs[1]).data.bytes()[5] ==
        value(g, g.ops[1].inputs[1]).data.bytes()[5]);
}

TEST_CASE("bert builder: Q, K and V are stacked along N") {
  const hf::BertConfig config = tiny_config(1, false);
  const hf::TensorSet tensors = hf::random_bert_tensors(config, 5);
  const ir::Graph g = hf::build_bert_graph(config, tensors);
  const ir::Value& w = value(g, g.ops[1].inputs[1]);
  const ir::Value& b = value(g, g.ops[1].inputs[2]);
  CHECK(ir::to_string(w.shape) == "[24,8]");
  CHECK(ir::to_string(b.shape) == "[24]");
  const char* parts[] = {"query", "key", "value"};
  for (size_t i = 0; i < 3; ++i) {
    const std::string name = std::string("encoder.layer.0.attention.self.") + parts[i];
    const auto& tw = tensors.at(name + ".weight").bytes;
    const auto& tb = tensors.at(name + ".bias").bytes;
    CHECK(std::memcmp(w.data.bytes().data() + i * tw.size(), tw.bytes().data(), tw.size()) == 0);
    CHECK(std::memcmp(b.data.bytes().data() + i * tb.size(), tb.bytes().data(), tb.size()) == 0);
  }
}

TEST_CASE("bert builder: random weights are deterministic and near HF's init") {
  const hf::BertConfig config = tiny_config(1, false);
  const hf::TensorSet a = hf::random_bert_tensors(config, 11);
  const hf::TensorSet b = hf::random_bert_tensors(config, 11);
  const hf::TensorSet c = hf::random_bert_tensors(config, 12);
  auto floats = [](const hf::TensorSet& t, const std::string& name) {
    const auto& bytes = t.at(name).bytes;
    std::vector<float> v(bytes.size() / 4);
    std::memcpy(v.data(), bytes.bytes().data(), bytes.size());
    return v;
  };
  const std::string word = "embeddings.word_embeddings.weight";
  CHECK(floats(a, word) == floats(b, word));
  CHECK(floats(a, word) != floats(c, word));
  double sum = 0, sum_sq = 0;
  for (float x : floats(a, word)) {
    sum += x;
    sum_sq += double(x) * x;
  }
  const double n = 20.0 * 8;
  CHECK(std::abs(sum / n) < 0.01);
  CHECK(std::sqrt(sum_sq / n) == doctest::Approx(0.02).epsilon(0.25));
  for (float gamma : floats(a, "embeddings.LayerNorm.weight")) {
    CHECK(gamma != 1.0f);
    CHECK(std::abs(gamma - 1.0f) < 0.2f);
  }
}

TEST_CASE("bert builder: checkpoint problems name the tensor") {
  const hf::BertConfig config = tiny_config(2, false);
  const hf::TensorSet good = hf::random_bert_tensors(config, 1);
  hf::TensorSet missing("ckpt.safetensors");
  hf::TensorSet wrong_shape("ckpt.safetensors");
  for (const auto& [name, t] : good.tensors()) {
    if (name != "encoder.layer.1.intermediate.dense.bias") missing.add(name, t);
    hf::Tensor copy = t;
    if (name == "pooler.dense.weight") copy.shape = {4, 16};
    wrong_shape.add(name, copy);
  }
  CHECK(contains(error_of(config, missing),
                 "ckpt.safetensors: missing tensor 'encoder.layer.1.intermediate.dense.bias'"));
  CHECK(
      contains(error_of(config, wrong_shape),
               "ckpt.safetensors: tensor 'pooler.dense.weight' has shape [4,16], expected [8,8]"));
  CHECK(contains(error_of(tiny_config(2, true), good), "missing tensor 'classifier.weight'"));
}

TEST_CASE("bert builder: a checkpoint file converts to a verified, aligned model") {
  const hf::BertConfig config = tiny_config(2, true);
  const hf::TensorSet random = hf::random_bert_tensors(config, 9);
  const fs::path path = fs::temp_directory_path() /
                        ("minirt_converter_bert_" + std::to_string(::getpid()) + ".safetensors");
  write_safetensors(path, random);
  const hf::TensorSet from_file = hf::read_safetensors(path);
  fs::remove(path);

  const ir::Graph g = hf::build_bert_graph(config, from_file);
  const ir::Graph expected = hf::build_bert_graph(config, random);
  REQUIRE(g.values.size() == expected.values.size());
  for (size_t i = 0; i < g.values.size(); ++i) {
    CAPTURE(g.values[i].name);
    CHECK(g.values[i].name == expected.values[i].name);
    const auto got = g.values[i].data.bytes();
    const auto want = expected.values[i].data.bytes();
    CHECK(std::equal(got.begin(), got.end(), want.begin(), want.end()));
  }

  const auto buf = minirt::converter::build_model_buffer(g, {"hf:test", 8, 16});
  flatbuffers::Verifier verifier(buf.data(), buf.size());
  REQUIRE(minirt::fb::VerifyModelBuffer(verifier));
  const minirt::fb::Model* m = minirt::fb::GetModel(buf.data());
  CHECK(m->ops()->size() == 17);
  for (const minirt::fb::Buffer* b : *m->buffers())
    CHECK((b->data()->data() - buf.data()) % 64 == 0);
  std::map<std::string, std::string> metadata;
  for (const auto* kv : *m->metadata()) metadata[kv->key()->str()] = kv->value()->str();
  CHECK(metadata ==
        std::map<std::string, std::string>{{"architecture", "BertForSequenceClassification"},
                                           {"hidden_size", "8"},
                                           {"num_layers", "2"},
                                           {"num_heads", "2"},
                                           {"intermediate_size", "16"},
                                           {"vocab_size", "20"},
                                           {"max_position_embeddings", "16"},
                                           {"type_vocab_size", "2"},
                                           {"hidden_act", "gelu"},
                                           {"layer_norm_eps", "1e-05"},
                                           {"num_labels", "3"}});
}
