// The quantization-aware trained-l3-h256 (model.qdq.onnx) end to end: every
// Linear's QDQ pair and int8 weights fold into fused int8 MatMuls with static
// input scales and the stored s8 weights (--explain says so for each), and
// an int8 session matches the fake-quant model's float64 outputs (refs_qdq)
// within the budget below. Fails if folding silently stops: the explain
// lines, the op list and the accuracy all change.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

#include "tests/e2e/model_files.h"
#include "tests/e2e/precision_support.h"

namespace minirt::test {
namespace {

const std::string kDir = std::string(MINIRT_SOURCE_DIR) + "/../shared/models/trained-l3-h256";

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The largest max_abs_err `minirt run --refs` printed for `output`.
double worst_error(const std::string& output, const std::string& name) {
  double worst = -1.0;
  const std::string key = name + " max_abs_err ";
  for (size_t at = output.find(key); at != std::string::npos; at = output.find(key, at + 1))
    worst = std::max(worst, std::stod(output.substr(at + key.size())));
  return worst;
}

TEST_CASE("qdq: trained-l3-h256 model.qdq.onnx runs int8 with the file's scales") {
  if (!std::filesystem::exists(kDir + "/model.qdq.onnx")) {
    MESSAGE("skipped: ../shared/models/trained-l3-h256 is absent");
    return;
  }
  const std::string fb = std::string(MINIRT_BINARY_DIR) + "/trained_qdq.fb";
  const CommandResult convert =
      run_command(bin("minirt-convert") + " " + kDir + "/model.qdq.onnx -o " + fb + " --explain");
  INFO(convert.output);
  REQUIRE(convert.exit_code == 0);
  // 13 pairs: per layer Q/K/V (one shared pair), attention output, FFN in and
  // out, and the pooler's; the 18 layer MatMuls fold (Q, K and V before they
  // are packed), the pooler's goes with its Pooler (fp32).
  CHECK(convert.output.find("fold_qdq: 13 QuantizeLinear+DequantizeLinear pairs -> the static "
                            "input scale of 19 MatMuls") != std::string::npos);
  CHECK(convert.output.find("fuse_attention: 3 self-attention blocks") != std::string::npos);
  CHECK(count(convert.output, "int8 with a static input scale") == 12);
  CHECK(count(convert.output, "s8 weights as stored") == 12);
  CHECK(count(convert.output, "per-row input scales") == 0);
  CHECK(convert.output.find("its input's QDQ scale is not applied") != std::string::npos);
  CHECK(convert.output.find("fallback ops: 0") != std::string::npos);
  // The file's op list marks each static scale.
  const CommandResult info = run_command(bin("minirt") + " info " + fb);
  CHECK(count(info.output, "[int8 in ") == 12);
  // The QAT graph leaves attention in float: each layer's Attention keeps
  // fp32 in every session (its precision floor), and info marks it.
  CHECK(count(info.output, "Attention(heads=4,dim=64)[fp32]") == 3);

  if (!precision_runs_here(Precision::kInt8)) return;
  auto run = [&](const char* precision, double tolerance) {
    const CommandResult r =
        run_command(bin("minirt") + " run " + fb + " --refs " + kDir + "/refs_qdq --precision " +
                    precision + " --tol " + std::to_string(tolerance));
    INFO(r.output);
    CHECK(r.exit_code == 0);
    return r.output;
  };
  // The budget, 0.05 max abs on every output of every case: ONNX Runtime on
  // the same model.qdq.onnx lands 0.029-0.040 from refs_qdq on cases 1-3 and
  // the fake-quant module itself in fp32 0.024-0.040 (an activation next to
  // a rounding boundary flips one int8 step, which moves an output by about a
  // scale times a weight row). minirt int8 measured 0.0286 / 0.025 / 0.0402
  // on last_hidden_state (ORT's own numbers) and 0.0095-0.0111 on
  // pooler_output (the Pooler runs fp32, without the pooler's QDQ pair). Not
  // folding (the pairs run generic, the MatMuls quantize per row) measured
  // 0.054-0.085, fp32 0.066-0.077: both break it. Attention runs fp32, as
  // the QAT model trained it, by the file's Attention floor: bf16 attention
  // (int8's default elsewhere) measured 0.053-0.079, as far from refs_qdq as
  // ignoring the activation scales.
  const std::string int8 = run("int8", 0.05);
  // fp32 ignores the static scales (the QAT weights without activation
  // quantization): further from refs_qdq than int8 is.
  const std::string fp32 = run("fp32", 1.0);
  CHECK(worst_error(int8, "last_hidden_state") < worst_error(fp32, "last_hidden_state"));
}

}  // namespace
}  // namespace minirt::test
