// Many sessions on one model: they share its prepared weights and code, run
// at the same time, and each gives what a lone session gives.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <thread>
#include <tuple>
#include <vector>

#include "minirt/minirt.h"
#include "ops/cpu/cpu_isa.h"
#include "tests/e2e/model_files.h"
#include "tests/e2e/precision_support.h"

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
    // (Init-captures: clang 14 cannot capture structured bindings.)
    threads.emplace_back([&, t, model = model, &ids = ids] {
      Session session(model, {.threads = 2});
      for (int repeat = 0; repeat < 20; ++repeat) got[t] = first_output(session, ids, 24);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::vector<float>& g : got) CHECK(g == expected);
}

TEST_CASE("sessions: fp32, bf16 and int8 sessions on one model keep their own packed weights") {
  const auto [model, ids] = tiny_case("sessions_bert_tiny_precisions.fb");
  Session fp32(model);
  const std::vector<float> fp32_before = first_output(fp32, ids, 24);
  for (const auto& [precision, kernels, max_difference] :
       {std::tuple{Precision::kBFloat16, "jit-avx512-bf16", 0.05},
        std::tuple{Precision::kInt8, "jit-avx512-int8", 0.1}}) {
    if (!test::precision_runs_here(precision)) continue;
    const std::string kernels_label = kernels;
    CAPTURE(kernels_label);
    Session reduced(model, {.precision = precision});
    const bool bf16_attention = cpu_isa_in_use() >= CpuIsa::kAvx512Bf16;
    CHECK(std::string(reduced.isa()) ==
          std::string(kernels) + (bf16_attention ? ", attention bf16" : ""));
    const std::vector<float> reduced_out = first_output(reduced, ids, 24);
    CHECK(first_output(fp32, ids, 24) == fp32_before);  // still the fp32 panels
    Session later_fp32(model);                          // made after: fp32 all the same
    CHECK(first_output(later_fp32, ids, 24) == fp32_before);
    REQUIRE(reduced_out.size() == fp32_before.size());
    double max_diff = 0;
    for (size_t i = 0; i < reduced_out.size(); ++i)
      max_diff = std::max<double>(max_diff, std::fabs(reduced_out[i] - fp32_before[i]));
    MESSAGE(std::string(kernels) << " vs fp32 max abs difference " << max_diff);
    CHECK(max_diff > 0);               // the reduced precision really ran
    CHECK(max_diff < max_difference);  // and is close
  }
}

TEST_CASE("sessions: bf16_attention off keeps attention fp32 in a reduced-precision session") {
  if (!test::isa_runs_here(CpuIsa::kAvx512Bf16)) return;
  const auto [model, ids] = tiny_case("sessions_bert_tiny_attention.fb");
  for (const auto& [precision, kernels] : {std::pair{Precision::kBFloat16, "jit-avx512-bf16"},
                                           std::pair{Precision::kInt8, "jit-avx512-int8"}}) {
    Session bf16_attention(model, {.precision = precision});
    Session fp32_attention(model, {.precision = precision, .bf16_attention = false});
    CHECK(std::string(fp32_attention.isa()) == kernels);
    CHECK(std::string(bf16_attention.isa()) == std::string(kernels) + ", attention bf16");
    // The MatMuls are the same, so a difference is attention's arithmetic.
    CHECK(first_output(bf16_attention, ids, 24) != first_output(fp32_attention, ids, 24));
  }
  Session fp32(model, {.bf16_attention = true});  // an fp32 session ignores it
  CHECK(std::string(fp32.isa()).find("attention") == std::string::npos);
}

TEST_CASE("sessions: a precision without its kernels is refused with the reason") {
  const auto model = tiny_case("sessions_bert_tiny_cap.fb").model;
  ::setenv("MINIRT_MAX_ISA", "avx512", 1);
  for (const auto& [precision, reason] :
       {std::pair{Precision::kBFloat16, "precision bf16 needs a CPU with AVX512-BF16"},
        std::pair{Precision::kInt8, "precision int8 needs a CPU with AVX512-VNNI"}}) {
    CHECK_FALSE(precision_supported(precision));
    std::string message;
    try {
      Session session(model, {.precision = precision});
    } catch (const Error& e) {
      message = e.what();
    }
    INFO(message);
    CHECK(message.find(reason) != std::string::npos);
    if (cpu_isa_detected() > CpuIsa::kAvx512)
      CHECK(message.find("(capped by MINIRT_MAX_ISA)") != std::string::npos);
  }
  CHECK(precision_supported(Precision::kFloat32));
  ::unsetenv("MINIRT_MAX_ISA");
}

}  // namespace
}  // namespace minirt
