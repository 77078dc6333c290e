// Many sessions on one model: they share its prepared weights and code, run
// at the same time, and each gives what a lone session gives.
#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "minirt/minirt.h"
#include "tests/e2e/model_files.h"

namespace minirt {
namespace {

std::vector<float> first_output(Session& session, const std::vector<int64_t>& ids, int64_t seq) {
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids.data(), {static_cast<int64_t>(ids.size()) / seq, seq});
  const OutputView out = session.run(inputs)[0];
  return std::vector<float>(out.data, out.data + out.numel());
}

TEST_CASE("sessions: concurrent sessions on one model match a lone session") {
  const std::string fb_path = std::string(MINIRT_BINARY_DIR) + "/sessions_bert_tiny.fb";
  test::convert_hf(test::repo_path("tests/data/bert-tiny"), fb_path, "--max-batch 2 --max-seq 32");
  const auto model = Model::load(fb_path);
  std::vector<int64_t> ids(2 * 24);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>((i * 37 + 5) % 1000);

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

}  // namespace
}  // namespace minirt
