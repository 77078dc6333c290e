// Many sessions on one model: they share its prepared weights and code, run
// at the same time, and each gives what a lone session gives.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <thread>
#include <vector>

#include "minirt/minirt.h"
#include "ops/cpu/cpu_isa.h"
#include "tests/e2e/model_files.h"

namespace minirt {
namespace {

std::vector<float> first_output(Session& session, const std::vector<int64_t>& ids, int64_t seq) {
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids.data(), {static_cast<int64_t>(ids.size()) / seq, seq});
  const OutputView out = session.run(inputs)[0];
  return std::vector<float>(out.data, out.data + out.numel());
}

// bert-tiny converted for batch 2, seq 32, and a [2, 24] request's token ids.
struct TinyCase {
  std::shared_ptr<const Model> model;
  std::vector<int64_t> ids;
};
TinyCase tiny_case(const std::string& file_name) {
  const std::string fb_path = std::string(MINIRT_BINARY_DIR) + "/" + file_name;
  test::convert_hf(test::repo_path("tests/data/bert-tiny"), fb_path, "--max-batch 2 --max-seq 32");
  std::vector<int64_t> ids(2 * 24);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>((i * 37 + 5) % 1000);
  return {Model::load(fb_path), ids};
}

TEST_CASE("sessions: concurrent sessions on one model match a lone session") {
  const auto [model, ids] = tiny_case("sessions_bert_tiny.fb");

  Session lone(model);
  const std::vector<float> expected = first_output(lone, ids, 24);

  std::vector<std::vector<float>> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      Session session(model, {.threads = 2});
      for (int repeat = 0; repeat < 20; ++repeat) got[t] = first_output(session, ids, 24);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::vector<float>& g : got) CHECK(g == expected);
}

TEST_CASE("sessions: fp32 and bf16 sessions on one model keep their own packed weights") {
  if (cpu_isa_in_use() < CpuIsa::kAvx512Bf16) {
    MESSAGE("skipped: this machine runs up to " << std::string(cpu_isa_name(cpu_isa_in_use()))
                                                << ", not avx512_bf16");
    return;
  }
  const auto [model, ids] = tiny_case("sessions_bert_tiny_bf16.fb");

  Session fp32(model);
  const std::vector<float> fp32_before = first_output(fp32, ids, 24);
  Session bf16(model, {.precision = Precision::kBFloat16});
  CHECK(std::string(bf16.isa()) == "jit-avx512-bf16");
  const std::vector<float> bf16_out = first_output(bf16, ids, 24);
  CHECK(first_output(fp32, ids, 24) == fp32_before);  // still the fp32 panels
  Session later_fp32(model);                          // made after bf16: fp32 all the same
  CHECK(first_output(later_fp32, ids, 24) == fp32_before);
  REQUIRE(bf16_out.size() == fp32_before.size());
  double max_diff = 0;
  for (size_t i = 0; i < bf16_out.size(); ++i)
    max_diff = std::max<double>(max_diff, std::fabs(bf16_out[i] - fp32_before[i]));
  MESSAGE("bf16 vs fp32 max abs difference " << max_diff);
  CHECK(max_diff > 0);     // bf16 really ran
  CHECK(max_diff < 0.05);  // and is close
}

TEST_CASE("sessions: bf16 without AVX512-BF16 is refused with the reason") {
  ::setenv("MINIRT_MAX_ISA", "avx512", 1);
  const auto model = tiny_case("sessions_bert_tiny_cap.fb").model;
  std::string message;
  try {
    Session session(model, {.precision = Precision::kBFloat16});
  } catch (const Error& e) {
    message = e.what();
  }
  ::unsetenv("MINIRT_MAX_ISA");
  INFO(message);
  CHECK(message.find("precision bf16 needs a CPU with AVX512-BF16") != std::string::npos);
  if (cpu_isa_detected() > CpuIsa::kAvx512)
    CHECK(message.find("(capped by MINIRT_MAX_ISA)") != std::string::npos);
}

}  // namespace
}  // namespace minirt
