// End to end: ONNX exports (TorchScript and dynamo styles) -> minirt-convert
// -> load -> run, against the float64 references, and against the HF path:
// the same fused op list and outputs within 1e-6.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "common/refs.h"
#include "common/tensor_proto.h"
#include "converter/emit/model_writer.h"
#include "converter/import/hf/bert_builder.h"
#include "converter/import/hf/bert_config.h"
#include "converter/import/hf/safetensors.h"
#include "converter/import/onnx/onnx_pipeline.h"
#include "tests/e2e/model_files.h"
#include "tests/unit/fused_op_list.h"

namespace minirt {
namespace {

namespace fs = std::filesystem;
constexpr double kRefTolerance = 1e-4;
constexpr double kHfTolerance = 1e-6;
constexpr const char* kGraphs[] = {"model.onnx", "model.dynamo.onnx"};

ir::Graph hf_graph(const std::string& dir) {
  const converter::hf::BertConfig config = converter::hf::read_bert_config(dir + "/config.json");
  return converter::hf::build_bert_graph(
      config, converter::hf::read_safetensors(dir + "/model.safetensors"));
}

std::string write(const ir::Graph& g, const std::string& path) {
  converter::EmitOptions options{"test", 4, 128};
  converter::write_model_file(g, options, path);
  return path;
}

// Runs both models on every reference case's inputs; returns the largest
// difference between their outputs.
double max_difference(const std::string& a_path, const std::string& b_path,
                      const std::string& refs) {
  Session a(Model::load(a_path), {1}), b(Model::load(b_path), {1});
  double worst = 0;
  for (const auto& entry : fs::directory_iterator(refs)) {
    if (!entry.is_directory()) continue;
    std::vector<TensorProto> tensors;
    Inputs inputs;
    for (int k = 0; k < 3; ++k)
      tensors.push_back(
          read_tensor_proto_file(entry.path() / ("input_" + std::to_string(k) + ".pb")));
    for (TensorProto& t : tensors) {
      Int64Tensor* slot = inputs.find(t.name);
      REQUIRE(slot != nullptr);
      *slot = Int64Tensor(t.i64.data(), {t.dims[0], t.dims[1]});
    }
    const auto out_a = a.run(inputs);
    std::vector<std::vector<float>> copies;
    for (const OutputView& v : out_a) copies.emplace_back(v.data, v.data + v.numel());
    const auto out_b = b.run(inputs);
    REQUIRE(out_b.size() == copies.size());
    for (size_t o = 0; o < copies.size(); ++o) {
      REQUIRE(out_b[o].numel() == static_cast<int64_t>(copies[o].size()));
      for (size_t i = 0; i < copies[o].size(); ++i) {
        worst = std::max(worst, std::abs(double(copies[o][i]) - out_b[o].data[i]));
      }
    }
  }
  return worst;
}

void check_model(const std::string& dir, const std::string& name) {
  const std::string hf_fb =
      write(hf_graph(dir), std::string(MINIRT_BINARY_DIR) + "/e2e_onnx_hf_" + name + ".fb");
  const std::string hf_ops = test::fused_op_list(hf_graph(dir));
  for (const char* graph : kGraphs) {
    INFO(name << " " << std::string(graph));
    const std::string onnx_path = dir + "/" + graph;
    const std::string fb =
        std::string(MINIRT_BINARY_DIR) + "/e2e_onnx_" + name + "_" + graph + ".fb";
    const test::CommandResult r = test::run_command(test::bin("minirt-convert") + " " + onnx_path +
                                                    " -o " + fb + " --explain");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    CHECK(r.output.find("fallback ops: 0") != std::string::npos);

    CHECK(test::fused_op_list(converter::onnx::convert_onnx(onnx_path).graph) == hf_ops);
    Session session(Model::load(fb), {2});
    for (const RefCaseResult& result : run_ref_cases(session, dir + "/refs")) {
      for (const RefOutputError& out : result.outputs) {
        MESSAGE(name << " " << std::string(graph) << " " << result.case_name << " " << out.name
                     << " max_abs_err " << out.max_abs_error);
        CHECK(out.max_abs_error <= kRefTolerance);
      }
    }
    const double difference = max_difference(fb, hf_fb, dir + "/refs");
    MESSAGE(name << " " << std::string(graph) << " vs HF path: max difference " << difference);
    CHECK(difference <= kHfTolerance);
  }
}

TEST_CASE("e2e onnx: bert-tiny from tests/data, both exporters") {
  check_model(test::repo_path("tests/data/bert-tiny"), "bert-tiny");
}

TEST_CASE("e2e onnx: the shared models, both exporters") {
  test::for_each_shared_model(
      "model.onnx.data",
      [](const std::string& dir, const std::string& name) { check_model(dir, name); });
}

}  // namespace
}  // namespace minirt
