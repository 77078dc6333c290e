// libFuzzer target: a .fb model file's bytes through Model::load_from_memory
// and, when it loads, a Session run at batch 1 and the smallest and largest
// planned seq up to 8, reading every output element. A load or run may only
// fail with minirt::Error; anything else (a crash, a sanitizer report, any
// other exception) is a finding.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "minirt/minirt.h"

namespace {

// Arenas above this are refused at load like any over-limit file, so a
// fuzzed dim cannot make each run allocate gigabytes.
constexpr minirt::LoadOptions kOptions{.max_arena_bytes = size_t{64} << 20};

void run(minirt::Session& session, const minirt::ModelSummary& summary, int64_t seq) {
  std::vector<std::vector<int64_t>> values;
  values.reserve(summary.inputs.size());
  minirt::Inputs inputs;
  for (const minirt::InputInfo& input : summary.inputs) {
    // The largest id the input accepts, so tables are read at their ends.
    const int64_t id = input.binary ? 1 : std::max<int64_t>(input.index_bound - 1, 0);
    const std::vector<int64_t>& row = values.emplace_back(static_cast<size_t>(seq), id);
    if (minirt::Int64Tensor* tensor = inputs.find(input.name))
      *tensor = minirt::Int64Tensor(row.data(), {1, seq});
  }
  volatile float sink = 0.0f;
  for (const minirt::OutputView& output : session.run(inputs))
    for (int64_t i = 0; i < output.numel(); ++i) sink = sink + output.data[i];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto model = minirt::Model::load_from_memory(std::span(data, size), "fuzz", kOptions);
    const minirt::ModelSummary summary = model->summary();
    minirt::Session session(model);
    for (const int64_t seq : {int64_t{1}, std::min<int64_t>(summary.max_seq, 8)})
      run(session, summary, seq);
  } catch (const minirt::Error&) {
  }
  return 0;
}
