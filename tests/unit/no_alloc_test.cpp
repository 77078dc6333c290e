// Session::run and run_ragged allocate nothing: a counting global operator
// new watches several runs of bert-tiny at different batch and seq (and
// padding-free batches of different lengths) after a first run, in fp32 and,
// where the CPU has their kernels, bf16 and int8.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "runtime/include/minirt/minirt.h"
#include "tests/e2e/model_files.h"
#include "tests/e2e/precision_support.h"
#include "tests/unit/allocation_hook.h"

namespace minirt {
namespace {

TEST_CASE("no allocation inside Session::run, at any batch and seq, 1 and 2 threads") {
  const std::string fb_path = std::string(MINIRT_BINARY_DIR) + "/no_alloc_bert-tiny.fb";
  test::convert_hf(test::repo_path("tests/data/bert-tiny"), fb_path);
  for (const auto& [threads, precision] :
       {std::pair{1, Precision::kFloat32}, std::pair{2, Precision::kFloat32},
        std::pair{2, Precision::kBFloat16}, std::pair{2, Precision::kInt8}}) {
    if (!test::precision_runs_here(precision)) continue;
    const int thread_count = threads;  // (clang 14 cannot capture a structured binding)
    CAPTURE(thread_count);
    const std::string precision_label = precision_name(precision);
    CAPTURE(precision_label);
    Session session(Model::load(fb_path), {.threads = threads, .precision = precision});
    struct Shape {
      int64_t batch, seq;
    };
    const Shape shapes[] = {{1, 8}, {1, 1}, {2, 16}, {3, 5}, {1, 128}, {8, 33}};
    std::vector<std::vector<int64_t>> ids, masks;
    std::vector<Inputs> inputs;
    for (const Shape& s : shapes) {
      ids.emplace_back(static_cast<size_t>(s.batch * s.seq), 101);
      masks.emplace_back(static_cast<size_t>(s.batch * s.seq), 1);
    }
    for (size_t i = 0; i < std::size(shapes); ++i) {
      Inputs in;
      in.input_ids = Int64Tensor(ids[i].data(), {shapes[i].batch, shapes[i].seq});
      in.attention_mask = Int64Tensor(masks[i].data(), {shapes[i].batch, shapes[i].seq});
      inputs.push_back(in);
    }
    session.run(inputs[0]);  // the first run may touch lazily created state

    // Padding-free batches too: many short sequences, one long, a single token.
    const std::vector<std::vector<int64_t>> offsets = {
        {0, 3, 4, 20, 21, 60, 61, 62, 63, 64, 70, 71, 72, 80}, {0, 128}, {0, 1}};
    const std::vector<int64_t> packed_ids(128, 101);
    session.run_ragged({{packed_ids.data(), 80}, offsets[0], {}});

    test::allocation_hook::allocations = 0;
    test::allocation_hook::counting = true;
    for (int round = 0; round < 2; ++round) {
      for (const Inputs& in : inputs) session.run(in);
      for (const auto& cu : offsets)
        session.run_ragged({{packed_ids.data(), static_cast<size_t>(cu.back())}, cu, {}});
    }
    test::allocation_hook::counting = false;
    CHECK(test::allocation_hook::allocations.load() == 0);
  }
}

}  // namespace
}  // namespace minirt
