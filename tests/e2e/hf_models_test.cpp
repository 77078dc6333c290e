// End to end: HF checkpoint -> minirt-convert -> load -> run, against the
// float64 references that ship with each model.
#include <doctest/doctest.h>

#include <filesystem>

#include "common/refs.h"
#include "tests/e2e/model_files.h"
#include "tests/e2e/precision_support.h"

namespace minirt {
namespace {

struct Budget {
  double max_abs_error, relative_rms_error;
};
// The reduced precisions' budgets leave about 2x over the worst errors
// measured (bench/RESULTS.md), all on bert-3l-768: bf16 0.078 max abs and
// 1.3% relative RMS, int8 0.39 and 5.9%.
Budget budget_for(Precision precision) {
  switch (precision) {
    case Precision::kBFloat16:
      return {0.15, 0.025};
    case Precision::kInt8:
      return {0.8, 0.12};
    case Precision::kFloat32:
      break;
  }
  return {1e-4, 1e-5};
}

void check_refs(const std::string& hf_dir, const std::string& name, int threads,
                Precision precision = Precision::kFloat32) {
  const Budget budget = budget_for(precision);
  const std::string fb_path = std::string(MINIRT_BINARY_DIR) + "/e2e_" + name + ".fb";
  test::convert_hf(hf_dir, fb_path);
  Session session(Model::load(fb_path), {.threads = threads, .precision = precision});
  const auto results = run_ref_cases(session, hf_dir + "/refs");
  CHECK(results.size() == 3);
  for (const RefCaseResult& result : results) {
    for (const RefOutputError& out : result.outputs) {
      MESSAGE(name << " " << result.case_name << " [" << result.batch << "," << result.seq << "] "
                   << out.name << " max_abs_err " << out.max_abs_error << " rel_rms "
                   << out.relative_rms_error << " (" << threads << " threads, "
                   << std::string(precision_name(precision)) << ")");
      CHECK(out.max_abs_error <= budget.max_abs_error);
      CHECK(out.relative_rms_error <= budget.relative_rms_error);
    }
  }
}

TEST_CASE("e2e: bert-tiny and bert-tiny-cls from tests/data match the references") {
  for (int threads : {1, 2}) {
    check_refs(test::repo_path("tests/data/bert-tiny"), "bert-tiny", threads);
    check_refs(test::repo_path("tests/data/bert-tiny-cls"), "bert-tiny-cls", threads);
  }
}

TEST_CASE("e2e: the shared models match the references") {
  test::for_each_shared_model(
      "model.safetensors",
      [](const std::string& dir, const std::string& name) { check_refs(dir, name, 2); });
}

TEST_CASE("e2e: bf16 and int8 MatMuls stay within their budgets on every model") {
  for (const Precision precision : {Precision::kBFloat16, Precision::kInt8}) {
    if (!test::precision_runs_here(precision)) continue;
    check_refs(test::repo_path("tests/data/bert-tiny"), "bert-tiny", 2, precision);
    check_refs(test::repo_path("tests/data/bert-tiny-cls"), "bert-tiny-cls", 1, precision);
    if (!test::shared_models_present()) {
      MESSAGE("shared models skipped: ../shared/models is absent");
      continue;
    }
    for (const char* name : {"minilm-l3-384", "bert-3l-768"})
      check_refs(test::shared_model_dir(name), name, 2, precision);
  }
}

TEST_CASE("e2e: minirt run --refs passes, and fails past a tolerance it cannot meet") {
  const std::string dir = test::repo_path("tests/data/bert-tiny-cls");
  const std::string fb_path = std::string(MINIRT_BINARY_DIR) + "/e2e_cli_bert_tiny_cls.fb";
  test::convert_hf(dir, fb_path);
  const test::CommandResult pass =
      test::run_command(test::bin("minirt") + " run " + fb_path + " --refs " + dir + "/refs");
  INFO(pass.output);
  CHECK(pass.exit_code == 0);
  CHECK(pass.output.find("logits max_abs_err") != std::string::npos);
  CHECK(pass.output.find("PASS") != std::string::npos);
  const test::CommandResult fail = test::run_command(test::bin("minirt") + " run " + fb_path +
                                                     " --refs " + dir + "/refs --tol 1e-12");
  INFO(fail.output);
  CHECK(fail.exit_code == 1);
  CHECK(fail.output.find("FAIL") != std::string::npos);
}

TEST_CASE("e2e: minirt run --bench --json and minirt info") {
  const std::string fb_path = std::string(MINIRT_BINARY_DIR) + "/e2e_cli_bert_tiny.fb";
  test::convert_hf(test::repo_path("tests/data/bert-tiny"), fb_path, "--max-batch 4 --max-seq 64");
  const test::CommandResult bench =
      test::run_command(test::bin("minirt") + " run " + fb_path +
                        " --bench --batch 2 --seq 16 --threads 2 --warmup 1 --iters 5 --json");
  INFO(bench.output);
  REQUIRE(bench.exit_code == 0);
  for (const char* key :
       {"\"p50_us\"", "\"p90_us\"", "\"p99_us\"", "\"mean_us\"", "\"batch\": 2", "\"seq\": 16",
        "\"threads\": 2", "\"iters\": 5", "\"cold_start_us\"", "\"arena_bytes\""})
    CHECK(bench.output.find(key) != std::string::npos);
  const test::CommandResult info =
      test::run_command(test::bin("minirt") + " info " + fb_path + " --plan");
  INFO(info.output);
  REQUIRE(info.exit_code == 0);
  CHECK(info.output.find("max batch 4, max seq 64") != std::string::npos);
  CHECK(info.output.find("EmbedLayerNorm") != std::string::npos);
  CHECK(info.output.find("Attention(heads=4,dim=16)") != std::string::npos);
  CHECK(info.output.find("arena plan") != std::string::npos);
  // The machine line lists fp32 always, and the reduced precisions it runs.
  CHECK(info.output.find("this cpu  ") != std::string::npos);
  CHECK(info.output.find("--precision fp32") != std::string::npos);
  CHECK((info.output.find("bf16") != std::string::npos) ==
        precision_supported(Precision::kBFloat16));
}

}  // namespace
}  // namespace minirt
