// Padding-free batches end to end: every shared model, converted, run on
// random lengths (1 and max seq included) both padded and ragged; the ragged
// results must equal the padded ones at every valid position, in every
// precision this CPU runs.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/model_files.h"
#include "tests/e2e/precision_support.h"

namespace minirt {
namespace {

struct Batch {
  std::vector<int64_t> lengths;
  std::vector<int64_t> cu_seqlens;  // ragged offsets
  std::vector<int64_t> packed_ids, packed_types;
  std::vector<int64_t> padded_ids, padded_types, padded_mask;  // [n, longest]
  int64_t longest = 0;
};

Batch random_batch(std::mt19937& rng, const std::vector<int64_t>& lengths, int64_t vocab) {
  Batch batch;
  batch.lengths = lengths;
  batch.longest = *std::max_element(lengths.begin(), lengths.end());
  const auto n = static_cast<int64_t>(lengths.size());
  batch.padded_ids.assign(static_cast<size_t>(n * batch.longest), 0);
  batch.padded_types = batch.padded_mask = batch.padded_ids;
  batch.cu_seqlens.push_back(0);
  std::uniform_int_distribution<int64_t> id(0, vocab - 1), type(0, 1);
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t s = 0; s < lengths[static_cast<size_t>(b)]; ++s) {
      const int64_t token = id(rng), token_type = type(rng);
      batch.packed_ids.push_back(token);
      batch.packed_types.push_back(token_type);
      const auto at = static_cast<size_t>(b * batch.longest + s);
      batch.padded_ids[at] = token;
      batch.padded_types[at] = token_type;
      batch.padded_mask[at] = 1;
    }
    batch.cu_seqlens.push_back(static_cast<int64_t>(batch.packed_ids.size()));
  }
  return batch;
}

int64_t vocab_of(const Model& model) {
  for (const InputInfo& input : model.summary().inputs)
    if (input.name == "input_ids") return input.index_bound;
  return 0;
}

// Largest |ragged - padded| over every valid position of every output.
double compare(Session& session, const Batch& batch) {
  const auto n = static_cast<int64_t>(batch.lengths.size());
  Inputs padded;
  padded.input_ids = Int64Tensor(batch.padded_ids.data(), {n, batch.longest});
  padded.attention_mask = Int64Tensor(batch.padded_mask.data(), {n, batch.longest});
  padded.token_type_ids = Int64Tensor(batch.padded_types.data(), {n, batch.longest});
  std::vector<std::vector<float>> expected;
  std::vector<OutputView> padded_views;
  for (const OutputView& out : session.run(padded)) {
    expected.emplace_back(out.data, out.data + out.numel());
    padded_views.push_back(out);
  }
  const auto ragged = session.run_ragged({batch.packed_ids, batch.cu_seqlens, batch.packed_types});
  REQUIRE(ragged.size() == expected.size());
  double worst = 0.0;
  for (size_t o = 0; o < ragged.size(); ++o) {
    const OutputView& got = ragged[o];
    const OutputView& want = padded_views[o];
    const bool per_token = want.rank == 3;  // [B,S,H] padded, [tokens,H] ragged
    REQUIRE(got.rank == (per_token ? 2 : want.rank));
    const int64_t width = want.shape[static_cast<size_t>(want.rank - 1)];
    CHECK(got.shape[0] == (per_token ? batch.cu_seqlens.back() : n));
    CHECK(got.shape[1] == width);
    for (int64_t b = 0; b < n; ++b) {
      const int64_t rows = per_token ? batch.lengths[static_cast<size_t>(b)] : 1;
      for (int64_t s = 0; s < rows; ++s) {
        const int64_t got_row = per_token ? batch.cu_seqlens[static_cast<size_t>(b)] + s : b;
        const int64_t want_row = per_token ? b * batch.longest + s : b;
        for (int64_t c = 0; c < width; ++c) {
          const float g = got.data[got_row * width + c];
          const float w = expected[o][static_cast<size_t>(want_row * width + c)];
          worst = std::max(worst, static_cast<double>(std::fabs(g - w)));
        }
      }
    }
  }
  return worst;
}

// More sequences than max_batch (a ragged batch is bounded by tokens only):
// each equals that sequence run alone, padded.
void check_many_sequences(Session& session, std::mt19937& rng, int64_t count, int64_t vocab) {
  std::vector<int64_t> lengths(static_cast<size_t>(count));
  std::uniform_int_distribution<int64_t> length(1, 5);
  for (int64_t& l : lengths) l = length(rng);
  const Batch all = random_batch(rng, lengths, vocab);
  std::vector<std::vector<float>> ragged;
  for (const OutputView& out :
       session.run_ragged({all.packed_ids, all.cu_seqlens, all.packed_types}))
    ragged.emplace_back(out.data, out.data + out.numel());
  for (int64_t b = 0; b < count; ++b) {
    const auto begin = static_cast<size_t>(all.cu_seqlens[static_cast<size_t>(b)]);
    const int64_t len = lengths[static_cast<size_t>(b)];
    Inputs one;
    one.input_ids = Int64Tensor(all.packed_ids.data() + begin, {1, len});
    one.token_type_ids = Int64Tensor(all.packed_types.data() + begin, {1, len});
    const auto padded = session.run(one);
    for (size_t o = 0; o < padded.size(); ++o) {
      const bool per_token = padded[o].rank == 3;
      const int64_t width = padded[o].shape[static_cast<size_t>(padded[o].rank - 1)];
      const auto first = static_cast<size_t>((per_token ? static_cast<int64_t>(begin) : b) * width);
      for (int64_t i = 0; i < padded[o].numel(); ++i)
        CHECK(ragged[o][first + static_cast<size_t>(i)] == padded[o].data[i]);
    }
  }
}

void check_model(const std::string& hf_dir, const std::string& name, int max_seq) {
  const std::string fb = std::string(MINIRT_BINARY_DIR) + "/ragged_" + name + ".fb";
  test::convert_hf(hf_dir, fb, "--max-batch 6 --max-seq " + std::to_string(max_seq));
  const auto model = Model::load(fb);
  REQUIRE(model->summary().ragged_refusal.empty());
  CHECK(model->summary().max_tokens == 6 * max_seq);
  std::mt19937 rng(12);
  std::uniform_int_distribution<int64_t> length(1, max_seq);
  const int64_t vocab = vocab_of(*model);
  for (const Precision precision : {Precision::kFloat32, Precision::kBFloat16, Precision::kInt8}) {
    if (!test::precision_runs_here(precision)) continue;
    for (int threads : {1, 2}) {
      Session session(model, {.threads = threads, .precision = precision});
      std::vector<std::vector<int64_t>> cases = {{1}, {max_seq}, {1, max_seq, 1}};
      for (int trial = 0; trial < 3; ++trial) {
        std::vector<int64_t> lengths(static_cast<size_t>(2 + trial * 2));
        for (int64_t& l : lengths) l = length(rng);
        cases.push_back(lengths);
      }
      for (const auto& lengths : cases) {
        const double worst = compare(session, random_batch(rng, lengths, vocab));
        INFO(name << " " << precision_name(precision) << " " << threads << " threads, "
                  << lengths.size() << " sequences, worst " << worst);
        // Every kernel computes a row from that row (and its own sequence's
        // keys) only, in the same order either way: equal to the bit.
        CHECK(worst == 0.0);
      }
      check_many_sequences(session, rng, 20, vocab);
    }
  }
}

TEST_CASE("ragged: bert-tiny and bert-tiny-cls from tests/data equal the padded path") {
  check_model(test::repo_path("tests/data/bert-tiny"), "bert-tiny-data", 128);
  check_model(test::repo_path("tests/data/bert-tiny-cls"), "bert-tiny-cls-data", 128);
}

TEST_CASE("ragged: every shared model equals the padded path at every valid position") {
  if (!test::shared_models_present()) {
    MESSAGE("skipped: ../shared/models is absent (a fresh clone without the shared material)");
    return;
  }
  test::for_each_shared_model("model.safetensors",
                              [](const std::string& dir, const std::string& name) {
                                // bert-3l-768 at a shorter max seq keeps the test quick; its
                                // lengths still reach that max and 1.
                                check_model(dir, name, name == "bert-3l-768" ? 96 : 128);
                              });
  check_model(std::string(MINIRT_SOURCE_DIR) + "/../shared/models/trained-l3-h256",
              "trained-l3-h256", 128);
}

TEST_CASE("ragged: minirt run --refs --ragged strips the padding and passes on every model") {
  std::vector<std::string> dirs = {test::repo_path("tests/data/bert-tiny"),
                                   test::repo_path("tests/data/bert-tiny-cls")};
  if (test::shared_models_present()) {
    for (const char* name : {"minilm-l3-384", "bert-3l-768"})
      dirs.push_back(test::shared_model_dir(name));
    dirs.push_back(std::string(MINIRT_SOURCE_DIR) + "/../shared/models/trained-l3-h256");
  }
  const std::string fb = std::string(MINIRT_BINARY_DIR) + "/ragged_refs.fb";
  auto check = [&](const std::string& dir) {
    const test::CommandResult r =
        test::run_command(test::bin("minirt") + " run " + fb + " --refs " + dir + "/refs --ragged");
    INFO(dir << "\n" << r.output);
    CHECK(r.exit_code == 0);
    CHECK(r.output.find("PASS") != std::string::npos);
    CHECK(r.output.find("case2") != std::string::npos);  // the padded case ran too
  };
  for (const std::string& dir : dirs) {
    test::convert_hf(dir, fb, "--max-batch 4 --max-seq 128");
    check(dir);
  }
  // Both ONNX exporters' graphs fuse into ops that run padding-free too.
  for (const char* onnx : {"model.onnx", "model.dynamo.onnx"}) {
    const test::CommandResult convert =
        test::run_command(test::bin("minirt-convert") + " " +
                          test::repo_path("tests/data/bert-tiny/") + onnx + " -o " + fb);
    REQUIRE(convert.exit_code == 0);
    check(test::repo_path("tests/data/bert-tiny"));
  }
}

TEST_CASE("ragged: minirt run --bench --lengths, --length-mix, --padded and their errors") {
  const std::string fb = std::string(MINIRT_BINARY_DIR) + "/ragged_cli.fb";
  test::convert_hf(test::repo_path("tests/data/bert-tiny"), fb,
                   "--max-batch 16 --max-seq 64 --max-tokens 300");
  const test::CommandResult info = test::run_command(test::bin("minirt") + " info " + fb);
  CHECK(info.output.find("ragged    up to 300 tokens per padding-free batch") != std::string::npos);
  const test::CommandResult zero = test::run_command(
      test::bin("minirt-convert") + " --hf " + test::repo_path("tests/data/bert-tiny") +
      " --max-tokens 0 -o " + std::string(MINIRT_BINARY_DIR) + "/ragged_zero.fb");
  CHECK(zero.exit_code != 0);
  CHECK(zero.output.find("--max-tokens must be in [1, 2147483647], got 0") != std::string::npos);
  const std::string run = test::bin("minirt") + " run " + fb + " --bench ";
  for (const char* mode : {"", " --padded"}) {
    const test::CommandResult lengths =
        test::run_command(run + "--lengths 7,12,1,64 --iters 3 --warmup 1 --json" + mode);
    INFO(lengths.output);
    REQUIRE(lengths.exit_code == 0);
    for (const char* key : {"\"batches\": 1", "\"sequences\": 4", "\"tokens\": 84", "\"runs\": 3",
                            "\"tokens_per_s\"", "\"sequences_per_s\"", "\"p99_us\""})
      CHECK(lengths.output.find(key) != std::string::npos);
    CHECK(lengths.output.find(*mode ? "\"mode\": \"padded\"" : "\"mode\": \"ragged\"") !=
          std::string::npos);
  }
  const std::string dump = std::string(MINIRT_BINARY_DIR) + "/ragged_cli.batches";
  const test::CommandResult mix = test::run_command(
      run + "--length-mix " + test::repo_path("bench/length_mixes/search_queries.txt") +
      " --batch-tokens 100 --batches 5 --iters 5 --warmup 0 --dump-batches " + dump);
  INFO(mix.output);
  REQUIRE(mix.exit_code == 0);
  CHECK(mix.output.find("5 ragged batches") != std::string::npos);
  CHECK(mix.output.find("tokens/s") != std::string::npos);
  CHECK(mix.output.find("p90") != std::string::npos);
  std::ifstream batches(dump);
  std::string line;
  int lines = 0;
  while (std::getline(batches, line)) {
    ++lines;
    std::istringstream in(line);
    int64_t length = 0, tokens = 0, count = 0;
    while (in >> length) {
      CHECK((length >= 2 && length <= 20));
      tokens += length;
      ++count;
    }
    CHECK(tokens <= 100);
    CHECK(count <= 16);  // the model's max batch: the same batches also run padded
  }
  CHECK(lines == 5);

  const std::string bad_mix = std::string(MINIRT_BINARY_DIR) + "/ragged_bad_mix.txt";
  std::ofstream(bad_mix) << "# a comment\n5 10\n7 x\n";
  const std::pair<std::string, std::string> errors[] = {
      {"--length-mix " + bad_mix, "ragged_bad_mix.txt:3: expected 'LENGTH COUNT'"},
      {"--lengths 7,65", "sequence 1 is 65 tokens long, above the model's max seq 64"},
      {"--lengths 64,64,64,64,64",
       "the batch holds 320 tokens, above the model's token budget "
       "of 300"},
      {"--lengths 7,,3", "--lengths takes positive integers separated by commas"},
      {"--lengths 7 --length-mix " + bad_mix, "--bench takes one of --lengths or --length-mix"},
      {"--length-mix /nonexistent.txt", "cannot read length mix '/nonexistent.txt'"}};
  for (const auto& error : errors) {  // no structured binding: clang 14 cannot capture one in INFO
    const test::CommandResult r = test::run_command(run + error.first);
    INFO(error.first << "\n" << r.output);
    CHECK(r.exit_code == 1);
    CHECK(r.output.find(error.second) != std::string::npos);
  }
}

TEST_CASE("ragged: a model with generic ops refuses padding-free runs, naming the op") {
  const std::string fb = std::string(MINIRT_BINARY_DIR) + "/ragged_generic.fb";
  const test::CommandResult r = test::run_command(
      test::bin("minirt-convert") + " " + test::repo_path("tests/data/bert-tiny/model.onnx") +
      " --passes fold_constants --max-batch 2 --max-seq 16 -o " + fb);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const auto model = Model::load(fb);
  const std::string refusal = model->summary().ragged_refusal;
  CHECK(refusal.starts_with("op 0 '"));
  CHECK(refusal.find("is a generic op over the padded [batch, seq] layout") != std::string::npos);
  Session session(model);
  const std::vector<int64_t> ids = {101, 7, 102}, cu = {0, 3};
  std::string error;
  try {
    session.run_ragged({ids, cu, {}});
  } catch (const Error& e) {
    error = e.what();
  }
  CHECK(error == "this model cannot run padding-free batches: " + refusal);
}

}  // namespace
}  // namespace minirt
