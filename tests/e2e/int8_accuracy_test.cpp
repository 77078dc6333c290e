// int8 on trained weights (trained-l3-h256: real activation statistics,
// which random weights hide) against ONNX Runtime's own int8. The issue-13
// targets: relative RMS error <= 1% on every output of every case, and max
// abs error at or below ONNX Runtime int8's (its dynamic-int8 copy of
// model.onnx, bench/e2e/ort_int8_model.py, measured by bench/e2e/ort_refs.py
// on the same float64 refs; bench/RESULTS.md). The plain int8 file misses
// one max abs figure (case0 last_hidden_state, 0.0256 against 0.0235); the
// precision guard at --min-cosine 0.9999 keeps one MatMul in bf16 and meets
// every one, which is what this test holds.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "tests/e2e/model_files.h"
#include "tests/e2e/precision_support.h"

namespace minirt::test {
namespace {

const std::string kDir = std::string(MINIRT_SOURCE_DIR) + "/../shared/models/trained-l3-h256";

struct OutputError {
  double max_abs = -1.0, rel_rms = -1.0;
};
// "case0 last_hidden_state" -> its errors, from `minirt run --refs` lines
// "case0 [1,8]  last_hidden_state max_abs_err X rel_rms Y PASS  pooler_output ...".
std::map<std::string, OutputError> parse_errors(const std::string& output) {
  std::map<std::string, OutputError> errors;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("case", 0) != 0) continue;
    std::istringstream words(line);
    std::string case_name, shape, word;
    words >> case_name >> shape;
    std::string output_name;
    while (words >> word) {
      if (word == "max_abs_err") {
        words >> errors[case_name + " " + output_name].max_abs;
      } else if (word == "rel_rms") {
        words >> errors[case_name + " " + output_name].rel_rms;
      } else if (word != "PASS" && word != "FAIL") {
        output_name = word;
      }
    }
  }
  return errors;
}

// ONNX Runtime 1.30's int8 max abs error, per case and output.
const std::map<std::string, double> kOrtInt8MaxAbs = {
    {"case0 last_hidden_state", 0.0235}, {"case0 pooler_output", 0.0084},
    {"case1 last_hidden_state", 0.0378}, {"case1 pooler_output", 0.00944},
    {"case2 last_hidden_state", 0.0505}, {"case2 pooler_output", 0.00654},
    {"case3 last_hidden_state", 0.0585}, {"case3 pooler_output", 0.00787},
};

TEST_CASE(
    "int8 on trained weights: within 1% relative RMS, and with the guard at or below "
    "ONNX Runtime int8's max abs on every output") {
  if (!std::filesystem::exists(kDir + "/model.safetensors")) {
    MESSAGE("skipped: ../shared/models/trained-l3-h256 is absent");
    return;
  }
  if (!precision_runs_here(Precision::kInt8)) return;
  const std::string plain = std::string(MINIRT_BINARY_DIR) + "/int8_accuracy_plain.fb";
  const std::string guarded = std::string(MINIRT_BINARY_DIR) + "/int8_accuracy_guarded.fb";
  convert_hf(kDir, plain);
  const CommandResult guard =
      run_command(bin("minirt-convert") + " --hf " + kDir + " -o " + guarded + " --verify " + kDir +
                  "/refs --min-cosine 0.9999");
  INFO(guard.output);
  REQUIRE(guard.exit_code == 0);
  CHECK(guard.output.find("--min-cosine 0.9999: int8 lowest cosine") != std::string::npos);

  for (const std::string& file : {plain, guarded}) {
    const CommandResult run = run_command(bin("minirt") + " run " + file + " --refs " + kDir +
                                          "/refs --precision int8 --tol 1");
    INFO(file);
    INFO(run.output);
    CHECK(run.exit_code == 0);
    const std::map<std::string, OutputError> errors = parse_errors(run.output);
    REQUIRE(errors.size() == kOrtInt8MaxAbs.size());
    for (const auto& ort : kOrtInt8MaxAbs) {  // no structured binding: INFO captures
      const std::string& name = ort.first;
      const double ort_max_abs = ort.second;
      const OutputError& error = errors.at(name);
      const std::string what = name + ": max abs " + std::to_string(error.max_abs) + ", ORT int8 " +
                               std::to_string(ort_max_abs) + ", rel RMS " +
                               std::to_string(error.rel_rms);
      INFO(what);
      CHECK(error.rel_rms >= 0.0);
      CHECK(error.rel_rms <= 0.01);
      if (file == guarded) CHECK(error.max_abs <= ort_max_abs);
    }
  }
}

}  // namespace
}  // namespace minirt::test
