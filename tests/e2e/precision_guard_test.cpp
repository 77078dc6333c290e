// The precision guard (common/precision_report.h) and its two front ends,
// `minirt run --refs --precision P [--min-cosine X]` and
// `minirt-convert ... --verify DIR [--min-cosine X]`.
#include <doctest/doctest.h>

#include <string>

#include "common/precision_report.h"
#include "tests/e2e/model_files.h"
#include "tests/e2e/precision_support.h"

namespace minirt {
namespace {

const std::string kTiny = test::repo_path("tests/data/bert-tiny");
const std::string kTinyCls = test::repo_path("tests/data/bert-tiny-cls");

std::string converted(const std::string& hf_dir, const std::string& name) {
  const std::string fb = std::string(MINIRT_BINARY_DIR) + "/precision_guard_" + name + ".fb";
  test::convert_hf(hf_dir, fb);
  return fb;
}

TEST_CASE("spearman_correlation: ranks, ties and degenerate series") {
  CHECK(spearman_correlation({1, 2, 3, 4}, {10, 20, 30, 40}) == doctest::Approx(1));
  CHECK(spearman_correlation({1, 2, 3, 4}, {4, 3, 2, 1}) == doctest::Approx(-1));
  // Monotone but not linear: still 1.
  CHECK(spearman_correlation({1, 2, 3, 4}, {1, 8, 27, 1000}) == doctest::Approx(1));
  // One swap of five: 1 - 6 * 2 / (5 * 24) = 0.9.
  CHECK(spearman_correlation({1, 2, 3, 4, 5}, {1, 2, 4, 3, 5}) == doctest::Approx(0.9));
  // Ties take their mean rank: ranks (0.5, 0.5, 2) against (0, 1, 2).
  CHECK(spearman_correlation({1, 1, 2}, {1, 2, 3}) == doctest::Approx(0.8660254));
  CHECK(spearman_correlation({5, 5, 5}, {5, 5, 5}) == 1);
  CHECK(spearman_correlation({5, 5, 5}, {1, 2, 3}) == 0);
  CHECK_THROWS_WITH_AS(spearman_correlation({1, 2}, {1, 2, 3}), doctest::Contains("same length"),
                       Error);
}

TEST_CASE("fp32 against itself agrees exactly on every measure") {
  const auto model = Model::load(converted(kTiny, "tiny"));
  const PrecisionReport report =
      compare_with_fp32(model, Precision::kFloat32, read_ref_case_inputs(kTiny + "/refs"), 1);
  CHECK(report.sequences == 6);  // cases of batch 1, 2 and 3
  REQUIRE(report.outputs.size() == 2);
  for (const OutputAgreement& o : report.outputs) {
    INFO(o.name);
    CHECK(o.min_cosine == doctest::Approx(1).epsilon(1e-12));
    CHECK(o.max_abs == 0);
    CHECK(o.relative_rms == 0);
    CHECK_FALSE(o.top1_agreement);  // no logits here
    REQUIRE(o.spearman);
    CHECK(*o.spearman == doctest::Approx(1));
  }
}

TEST_CASE("int8 against fp32: close, not equal, and logits get top-1 agreement") {
  if (!test::precision_runs_here(Precision::kInt8)) return;
  const auto tiny = Model::load(converted(kTiny, "tiny"));
  const PrecisionReport report =
      compare_with_fp32(tiny, Precision::kInt8, read_ref_case_inputs(kTiny + "/refs"), 2);
  for (const OutputAgreement& o : report.outputs) {
    INFO(o.name);
    CHECK(o.min_cosine > 0.99);
    CHECK(o.min_cosine < 1);
    CHECK(o.mean_cosine >= o.min_cosine);
    CHECK(o.max_abs > 0);
    CHECK(o.relative_rms < 0.05);
    REQUIRE(o.spearman);
    CHECK(*o.spearman > 0.9);
  }
  CHECK(report.min_cosine() < 1);

  const auto cls = Model::load(converted(kTinyCls, "tiny_cls"));
  const PrecisionReport cls_report =
      compare_with_fp32(cls, Precision::kInt8, read_ref_case_inputs(kTinyCls + "/refs"), 1);
  REQUIRE(cls_report.outputs.size() == 1);
  const OutputAgreement& logits = cls_report.outputs[0];
  CHECK(logits.name == "logits");
  REQUIRE(logits.top1_agreement);
  CHECK(*logits.top1_agreement > 0.8);
  CHECK_FALSE(logits.spearman);  // logits are not embeddings
}

TEST_CASE("minirt run --refs --precision reports against fp32 and holds --min-cosine") {
  const std::string fb = converted(kTiny, "tiny");
  const std::string run = test::bin("minirt") + " run " + fb + " --refs " + kTiny + "/refs ";
  const auto fp32_floor = test::run_command(run + "--min-cosine 0.9");
  CHECK(fp32_floor.exit_code != 0);
  CHECK(fp32_floor.output.find("--min-cosine goes with a reduced --precision") !=
        std::string::npos);
  const auto above_one = test::run_command(run + "--precision int8 --min-cosine 1.5");
  CHECK(above_one.exit_code != 0);
  CHECK(above_one.output.find("--min-cosine must be at most 1") != std::string::npos);
  if (!test::precision_runs_here(Precision::kInt8)) return;
  const auto ok = test::run_command(run + "--precision int8 --tol 1 --min-cosine 0.99");
  INFO(ok.output);
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find("int8 against fp32 on the same inputs (6 sequences)") != std::string::npos);
  CHECK(ok.output.find("spearman") != std::string::npos);
  const auto strict = test::run_command(run + "--precision int8 --tol 1 --min-cosine 1");
  CHECK(strict.exit_code == 1);
  CHECK(strict.output.find("is under --min-cosine 1") != std::string::npos);
}

TEST_CASE("minirt-convert --verify reports every reduced precision; bad uses are refused") {
  const std::string out = std::string(MINIRT_BINARY_DIR) + "/precision_guard_verify.fb";
  const std::string convert = test::bin("minirt-convert") + " --hf " + kTiny + " -o " + out;
  const auto verified =
      test::run_command(convert + " --verify " + kTiny + "/refs --min-cosine 0.99");
  INFO(verified.output);
  // A CPU with neither reduced precision (or MINIRT_MAX_ISA=avx2) has nothing
  // to keep: --min-cosine is refused, saying so.
  if (test::precision_runs_here(Precision::kInt8) ||
      test::precision_runs_here(Precision::kBFloat16)) {
    CHECK(verified.exit_code == 0);
  } else {
    CHECK(verified.exit_code == 1);
    CHECK(verified.output.find("this CPU runs no reduced precision to check") != std::string::npos);
  }
  if (test::precision_runs_here(Precision::kInt8))
    CHECK(verified.output.find("int8 against fp32") != std::string::npos);
  if (test::precision_runs_here(Precision::kBFloat16))
    CHECK(verified.output.find("bf16 against fp32") != std::string::npos);

  const auto no_verify = test::run_command(convert + " --min-cosine 0.9");
  CHECK(no_verify.exit_code == 1);
  CHECK(no_verify.output.find("--min-cosine goes with --verify DIR") != std::string::npos);
  const auto bad_floor = test::run_command(convert + " --verify " + kTiny + "/refs --min-cosine 2");
  CHECK(bad_floor.exit_code == 1);
  CHECK(bad_floor.output.find("--min-cosine must be in (-1, 1]") != std::string::npos);
  const auto no_dir = test::run_command(convert + " --verify /nonexistent/refs");
  CHECK(no_dir.exit_code == 1);
  CHECK(no_dir.output.find("refs directory '/nonexistent/refs' does not exist") !=
        std::string::npos);
}

}  // namespace
}  // namespace minirt
