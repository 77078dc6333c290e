// End to end: bert-tiny's two ONNX exports converted with fusion off (every
// op a generic op) and with only some fusion passes, then run against the
// float64 references at 1e-4. Checks that a graph the fusion passes do not
// fully recognize still converts and runs correctly.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "tests/e2e/model_files.h"

namespace minirt::test {
namespace {

constexpr const char* kGraphs[] = {"model.onnx", "model.dynamo.onnx"};

// Converts with --passes `passes`, then runs the references; returns the
// converter's --explain output.
std::string convert_and_check(const std::string& graph, const std::string& passes) {
  const std::string out = (std::filesystem::temp_directory_path() /
                           ("minirt_fallback_" + std::to_string(::getpid()) + ".fb"))
                              .string();
  const CommandResult convert =
      run_command(bin("minirt-convert") + " " + repo_path("tests/data/bert-tiny/" + graph) +
                  " -o " + out + " --max-seq 64 --explain --passes " + passes);
  INFO(convert.output);
  REQUIRE(convert.exit_code == 0);
  const CommandResult run = run_command(bin("minirt") + " run " + out + " --refs " +
                                        repo_path("tests/data/bert-tiny/refs") + " --tol 1e-4");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  std::filesystem::remove(out);
  return convert.output;
}

TEST_CASE("bert-tiny with no fusion runs on generic ops only and passes the references") {
  for (const char* graph : kGraphs) {
    CAPTURE(graph);
    const std::string explain = convert_and_check(graph, "fold_constants");
    // Every op fell back: the op list holds no fused kind.
    for (const char* fused :
         {"EmbedLayerNorm ", "MatMul ", "Attention ", "AddLayerNorm ", "Pooler "})
      CHECK(explain.find("  " + std::string(fused)) == std::string::npos);
    CHECK(explain.find("-> generic GenericMatMul") != std::string::npos);
    CHECK(explain.find("fallback ops: 0") == std::string::npos);
  }
}

TEST_CASE("bert-tiny with only some fusion passes mixes fused and generic ops correctly") {
  for (const char* graph : kGraphs) {
    for (const char* passes :
         {"fold_constants,fuse_layer_norm", "fold_constants,fuse_linear,fuse_gelu",
          "fold_constants,fuse_embed_layer_norm,fuse_layer_norm",
          "fold_constants,fuse_layer_norm,fuse_gelu,fuse_linear,fuse_activation,fuse_attention"}) {
      CAPTURE(graph);
      CAPTURE(passes);
      convert_and_check(graph, passes);
    }
  }
}

TEST_CASE("an unfused embedding needs --max-seq, and an unknown pass is named") {
  const std::string model = repo_path("tests/data/bert-tiny/model.onnx");
  CommandResult r =
      run_command(bin("minirt-convert") + " " + model + " -o /dev/null --passes fold_constants");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("give --max-seq") != std::string::npos);
  r = run_command(bin("minirt-convert") + " " + model + " -o /dev/null --passes fuse_everything");
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("unknown pass 'fuse_everything'") != std::string::npos);
}

}  // namespace
}  // namespace minirt::test
