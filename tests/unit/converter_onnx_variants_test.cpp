// BERT configs none of the shared models has (other sizes, head counts and
// layer counts, an odd intermediate size, tanh GELU, another LayerNorm
// epsilon, one token type, a 5-label classifier), written as both PyTorch
// exporters would write them (bert_onnx_torchscript.h, bert_onnx_dynamo.h):
// each must convert with no fallback op, give the HF path's fused op list,
// and run within 1e-4 of a double-precision forward pass (bert_reference.h).
#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <random>

#include "converter/import/hf/bert_builder.h"
#include "converter/import/hf/bert_tensors.h"
#include "converter/import/onnx/onnx_pipeline.h"
#include "minirt/minirt.h"
#include "tests/e2e/model_files.h"
#include "tests/unit/bert_onnx_dynamo.h"
#include "tests/unit/bert_onnx_torchscript.h"
#include "tests/unit/bert_reference.h"
#include "tests/unit/fused_op_list.h"
#include "tests/unit/test_util.h"

namespace minirt {
namespace {

namespace fs = std::filesystem;
namespace hf = converter::hf;
constexpr double kTolerance = 1e-4;

struct Variant {
  const char* name;
  const char* config_json;  // as config.json would hold it
  bool external_data;
};

const Variant kVariants[] = {
    {"h48-heads3-l1",
     R"({"model_type": "bert", "hidden_size": 48, "num_attention_heads": 3, "num_hidden_layers": 1,
         "intermediate_size": 96, "vocab_size": 60, "max_position_embeddings": 32,
         "type_vocab_size": 2})",
     false},
    {"h96-heads6-l4-tanh-eps1e-5-one-type",
     R"({"model_type": "bert", "hidden_size": 96, "num_attention_heads": 6, "num_hidden_layers": 4,
         "intermediate_size": 200, "hidden_act": "gelu_new", "layer_norm_eps": 1e-5,
         "type_vocab_size": 1, "vocab_size": 50, "max_position_embeddings": 40})",
     true},
    {"classifier-5-labels-h60-heads5",
     R"({"model_type": "bert", "architectures": ["BertForSequenceClassification"], "num_labels": 5,
         "hidden_size": 60, "num_attention_heads": 5, "num_hidden_layers": 2,
         "intermediate_size": 37, "layer_norm_eps": 1e-7, "type_vocab_size": 3,
         "vocab_size": 70, "max_position_embeddings": 24})",
     false},
};

// Weights of O(1) effect (HF's 0.02 initializer would leave attention
// uniform and GELU linear, and hide a wrong variant in the noise): matrices
// ~ U(+-1.5/sqrt(K)), everything else ~ U(+-0.5), gammas around 1.
hf::TensorSet variant_tensors(const hf::BertConfig& config, std::mt19937& rng) {
  const std::string prefix =
      config.architecture == hf::BertArchitecture::kBertForSequenceClassification ? "bert." : "";
  hf::TensorSet set("variant weights");
  for (const hf::TensorSpec& spec : hf::bert_tensor_specs(config)) {
    size_t count = 1;
    for (int64_t d : spec.shape) count *= static_cast<size_t>(d);
    const bool matrix = spec.role == hf::TensorRole::kWeight && spec.shape.size() == 2 &&
                        spec.name.find("embeddings") == std::string::npos;
    const float range = matrix ? 1.5f / std::sqrt(float(spec.shape[1])) : 0.5f;
    std::vector<float> values = test::random_floats(rng, count, -range, range);
    if (spec.role == hf::TensorRole::kGamma) {
      for (float& v : values) v += 1.0f;
    }
    set.add(spec.in_bert_module ? prefix + spec.name : spec.name,
            hf::Tensor{"F32", spec.shape, ir::WeightBytes::owned(std::move(values))});
  }
  return set;
}

test::BertReferenceInputs random_inputs(const hf::BertConfig& config, std::mt19937& rng) {
  test::BertReferenceInputs in{
      3, std::min<int64_t>(11, config.max_position_embeddings), {}, {}, {}};
  const size_t count = static_cast<size_t>(in.batch * in.seq);
  in.input_ids = test::random_ints(rng, count, 0, config.vocab_size - 1);
  in.token_type_ids = test::random_ints(rng, count, 0, config.type_vocab_size - 1);
  in.attention_mask = test::random_padded_mask(rng, in.batch, in.seq);
  return in;
}

void check_outputs(const std::string& fb, const test::BertReference& reference,
                   const test::BertReferenceInputs& in) {
  Session session(Model::load(fb), {2});
  Inputs inputs;
  inputs.input_ids = Int64Tensor(in.input_ids.data(), {in.batch, in.seq});
  inputs.attention_mask = Int64Tensor(in.attention_mask.data(), {in.batch, in.seq});
  inputs.token_type_ids = Int64Tensor(in.token_type_ids.data(), {in.batch, in.seq});
  const std::span<const OutputView> got = session.run(inputs);
  const std::vector<std::vector<double>> want = reference.run(in);
  REQUIRE(got.size() == want.size());
  for (size_t o = 0; o < want.size(); ++o) {
    const double error = test::max_abs_diff({got[o].data, size_t(got[o].numel())}, want[o]);
    const std::string output = got[o].name;
    MESSAGE(output << " max_abs_err " << error);
    CHECK(error <= kTolerance);
  }
}

void check_variant(const Variant& variant, test::ExportStyle& style, const char* style_name) {
  const uint32_t seed = test::fresh_seed();
  CAPTURE(seed);
  const std::string label = std::string(variant.name) + " " + style_name +
                            (variant.external_data ? " (external data)" : "");
  INFO(label);
  std::mt19937 rng(seed);
  const hf::BertConfig config = hf::parse_bert_config(variant.config_json, variant.name);
  const hf::TensorSet tensors = variant_tensors(config, rng);

  const fs::path dir = fs::path(MINIRT_BINARY_DIR) / "onnx_variants" / variant.name;
  fs::create_directories(dir);
  const fs::path onnx = dir / (std::string(style_name) + ".onnx");
  test::BertOnnxExport(config, tensors, style).write(onnx, variant.external_data);
  CHECK(fs::exists(onnx.string() + ".data") == variant.external_data);

  const std::string fb = (dir / (std::string(style_name) + ".fb")).string();
  const test::CommandResult r = test::run_command(test::bin("minirt-convert") + " " +
                                                  onnx.string() + " -o " + fb + " --explain");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("fallback ops: 0") != std::string::npos);
  CHECK(test::fused_op_list(converter::onnx::convert_onnx(onnx).graph) ==
        test::fused_op_list(hf::build_bert_graph(config, tensors)));
  check_outputs(fb, test::BertReference(config, tensors), random_inputs(config, rng));
}

TEST_CASE("onnx variants: unseen BERT configs, TorchScript-style export") {
  for (const Variant& variant : kVariants) {
    test::TorchScriptStyle style;
    check_variant(variant, style, "torchscript");
  }
}

TEST_CASE("onnx variants: unseen BERT configs, dynamo-style export") {
  for (const Variant& variant : kVariants) {
    test::DynamoStyle style;
    check_variant(variant, style, "dynamo");
  }
}

}  // namespace
}  // namespace minirt
