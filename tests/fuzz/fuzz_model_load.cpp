// libFuzzer target: a .fb model file's bytes through Model::load_from_memory
// and, when it loads, a Session run at batch 1 and the smallest and largest
// planned seq up to 8; a padding-free run of two sequences when the model
// takes them (its max_tokens and cu_seqlens paths); and a text run through
// the file's tokenizer when it has one (the vocabulary comes from the file).
// Every output element is read. A load or run may only fail with
// minirt::Error; anything else (a crash, a sanitizer report, any other
// exception) is a finding.
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

// The largest id an input accepts, so tables are read at their ends.
int64_t largest_id(const minirt::InputInfo& input) {
  return input.binary ? 1 : std::max<int64_t>(input.index_bound - 1, 0);
}

void read_all(std::span<const minirt::OutputView> outputs) {
  volatile float sink = 0.0f;
  for (const minirt::OutputView& output : outputs)
    for (int64_t i = 0; i < output.numel(); ++i) sink = sink + output.data[i];
}

void run(minirt::Session& session, const minirt::ModelSummary& summary, int64_t seq) {
  std::vector<std::vector<int64_t>> values;
  values.reserve(summary.inputs.size());
  minirt::Inputs inputs;
  for (const minirt::InputInfo& input : summary.inputs) {
    const std::vector<int64_t>& row =
        values.emplace_back(static_cast<size_t>(seq), largest_id(input));
    if (minirt::Int64Tensor* tensor = inputs.find(input.name))
      *tensor = minirt::Int64Tensor(row.data(), {1, seq});
  }
  read_all(session.run(inputs));
}

// Two sequences back to back: 1 token and as many as max_seq and max_tokens
// leave (up to 8).
void run_ragged(minirt::Session& session, const minirt::ModelSummary& summary) {
  const int64_t second = std::min<int64_t>({summary.max_seq, summary.max_tokens - 1, 8});
  if (second < 1) return;
  int64_t id = 0, type = 0;
  for (const minirt::InputInfo& input : summary.inputs) {
    if (input.name == "input_ids") id = largest_id(input);
    if (input.name == "token_type_ids") type = largest_id(input);
  }
  const std::vector<int64_t> ids(static_cast<size_t>(1 + second), id);
  const std::vector<int64_t> types(ids.size(), type);
  const std::vector<int64_t> offsets{0, 1, 1 + second};
  read_all(session.run_ragged({ids, offsets, types}));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto model = minirt::Model::load_from_memory(std::span(data, size), "fuzz", kOptions);
    const minirt::ModelSummary summary = model->summary();
    minirt::Session session(model);
    for (const int64_t seq : {int64_t{1}, std::min<int64_t>(summary.max_seq, 8)})
      run(session, summary, seq);
    if (summary.ragged_refusal.empty()) run_ragged(session, summary);
    if (model->tokenizer()) read_all(session.run_text("Hello, unaffable world!", "world un"));
  } catch (const minirt::Error&) {
  }
  return 0;
}
