// SessionOptions::profile: per-op time of the runs since the last clear, and
// `minirt run --bench --profile`, which prints it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/include/minirt/minirt.h"
#include "tests/e2e/model_files.h"

namespace minirt {
namespace {

TEST_CASE("a profiling session times every op of every run; a plain one keeps no table") {
  const std::string fb_path = std::string(MINIRT_BINARY_DIR) + "/profile_bert-tiny.fb";
  test::convert_hf(test::repo_path("tests/data/bert-tiny"), fb_path);
  const auto model = Model::load(fb_path);
  std::vector<int64_t> ids(2 * 9, 101);
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids.data(), {2, 9});

  Session plain(model, {.threads = 2});
  plain.run(inputs);
  CHECK(plain.op_profile().empty());

  Session profiled(model, {.threads = 2, .profile = true});
  profiled.run(inputs);
  profiled.clear_op_profile();
  for (int i = 0; i < 3; ++i) profiled.run(inputs);
  const std::vector<std::string> ops = model->describe_ops();
  REQUIRE(profiled.op_profile().size() == ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    const OpProfile& entry = profiled.op_profile()[i];
    CAPTURE(ops[i]);
    CHECK(ops[i].find(entry.name) != std::string::npos);
    CHECK(ops[i].find(entry.kind) != std::string::npos);
    CHECK(entry.runs == 3);
    CHECK(entry.total_us > 0.0);
  }
}

TEST_CASE("minirt run --bench --profile prints each op's share, as a table or JSON") {
  const std::string fb_path = std::string(MINIRT_BINARY_DIR) + "/profile_cli_bert-tiny.fb";
  test::convert_hf(test::repo_path("tests/data/bert-tiny"), fb_path);
  const std::string bench = test::bin("minirt") + " run " + fb_path + " --bench --seq 8 --iters 3";
  const test::CommandResult table = test::run_command(bench + " --profile");
  CHECK(table.exit_code == 0);
  CHECK(table.output.find("over 3 timed runs") != std::string::npos);
  CHECK(table.output.find("Attention") != std::string::npos);
  CHECK(table.output.find("by kind") != std::string::npos);
  const test::CommandResult json = test::run_command(bench + " --profile --json");
  CHECK(json.exit_code == 0);
  CHECK(json.output.find("{\"op_profile\": [{\"op\": ") != std::string::npos);
}

}  // namespace
}  // namespace minirt
