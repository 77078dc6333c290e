// Bad files and bad requests: each gets a clear message, never a crash.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <vector>

#include "minirt/minirt.h"
#include "tests/e2e/model_files.h"

namespace minirt {
namespace {

std::string tiny_model() {
  static const std::string path = [] {
    const std::string out = std::string(MINIRT_BINARY_DIR) + "/bad_input_bert_tiny.fb";
    test::convert_hf(test::repo_path("tests/data/bert-tiny"), out, "--max-batch 2 --max-seq 32");
    return out;
  }();
  return path;
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::string write_bytes(const std::vector<uint8_t>& bytes, const std::string& name) {
  const std::string path = std::string(MINIRT_BINARY_DIR) + "/bad_input_" + name + ".fb";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::string load_error(const std::string& path) {
  try {
    Model::load(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("bad file: missing, empty, truncated, not a minirt file") {
  CHECK(load_error("/nonexistent/model.fb").find("cannot open '/nonexistent/model.fb'") !=
        std::string::npos);
  CHECK(load_error(MINIRT_BINARY_DIR) ==
        "'" + std::string(MINIRT_BINARY_DIR) + "' is not a regular file");
  CHECK(load_error(write_bytes({}, "empty")).find("is empty") != std::string::npos);
  CHECK(load_error(write_bytes({1, 2, 3}, "short")).find("too short") != std::string::npos);

  const std::vector<uint8_t> good = read_bytes(tiny_model());
  for (size_t keep : {good.size() / 2, good.size() - 1, size_t{64}}) {
    CAPTURE(keep);
    const std::string message = load_error(write_bytes(
        std::vector<uint8_t>(good.begin(), good.begin() + static_cast<long>(keep)), "truncated"));
    CHECK(message.find("verification failed") != std::string::npos);
  }
  std::vector<uint8_t> other = good;
  other[4] = 'X';  // the file identifier sits at bytes 4..7
  CHECK(load_error(write_bytes(other, "identifier")).find("file identifier") != std::string::npos);
}

TEST_CASE("bad file: random corruption loads cleanly or fails with a message") {
  const std::vector<uint8_t> good = read_bytes(tiny_model());
  std::random_device device;
  const unsigned seed = device();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  int rejected = 0;
  const int64_t ids[] = {1, 2, 3, 4};
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<uint8_t> bytes = good;
    // The structure (tables, vtables, offsets) lives in the first and last
    // few KiB; weights in between.
    for (int flips = 0; flips < 4; ++flips) {
      const bool head = rng() % 2 == 0;
      const size_t span = std::min<size_t>(4096, bytes.size());
      const size_t at = head ? rng() % span : bytes.size() - 1 - rng() % span;
      bytes[at] = static_cast<uint8_t>(rng());
    }
    try {
      Session session(Model::load(write_bytes(bytes, "fuzz")));
      Inputs inputs;
      inputs.input_ids = Int64Tensor(ids, {1, 4});
      session.run(inputs);
    } catch (const Error& e) {
      CHECK(std::string(e.what()).size() > 10);
      ++rejected;
    }
  }
  MESSAGE(
      rejected << " of 300 corrupted files rejected; the rest only changed weight or name bytes");
}

struct BadRequest {
  const char* what;
  std::vector<int64_t> ids, mask, types;
  std::vector<int64_t> ids_shape, mask_shape;
  const char* message;
};

TEST_CASE("bad request: sizes, ids, types and masks are named in the error") {
  Session session(Model::load(tiny_model()));
  const std::vector<int64_t> ok4 = {1, 2, 3, 4};
  const BadRequest cases[] = {
      {"batch past max",
       std::vector<int64_t>(3 * 4, 1),
       {},
       {},
       {3, 4},
       {},
       "batch 3 is outside 1..2"},
      {"seq past max", std::vector<int64_t>(33, 1), {}, {}, {1, 33}, {}, "seq 33 is outside 1..32"},
      {"id past vocab",
       {1, 2, 1000, 4},
       {},
       {},
       {1, 4},
       {},
       "input_ids[0,2] is 1000, must be in [0, 1000)"},
      {"negative id", {1, -5, 3, 4}, {}, {}, {1, 4}, {}, "input_ids[0,1] is -5"},
      {"type past table",
       ok4,
       {},
       {0, 0, 2, 0},
       {1, 4},
       {},
       "token_type_ids[0,2] is 2, must be in [0, 2)"},
      {"mask shape",
       ok4,
       {1, 1, 1},
       {},
       {1, 4},
       {1, 3},
       "attention_mask has shape [1,3], expected [1,4]"},
      {"mask value",
       ok4,
       {1, 1, 2, 1},
       {},
       {1, 4},
       {1, 4},
       "attention_mask[0,2] is 2, must be 0 or 1"},
      {"ids rank", ok4, {}, {}, {4}, {}, "input_ids must be [batch, seq], got [4]"},
  };
  for (const BadRequest& c : cases) {
    CAPTURE(c.what);
    Inputs inputs;
    inputs.input_ids.data = c.ids.data();
    inputs.input_ids.rank = static_cast<int>(c.ids_shape.size());
    std::copy(c.ids_shape.begin(), c.ids_shape.end(), inputs.input_ids.shape.begin());
    if (!c.mask.empty()) {
      inputs.attention_mask.data = c.mask.data();
      inputs.attention_mask.rank = static_cast<int>(c.mask_shape.size());
      std::copy(c.mask_shape.begin(), c.mask_shape.end(), inputs.attention_mask.shape.begin());
    }
    if (!c.types.empty()) inputs.token_type_ids = Int64Tensor(c.types.data(), {1, 4});
    std::string message;
    try {
      session.run(inputs);
    } catch (const Error& e) {
      message = e.what();
    }
    CAPTURE(message);
    CHECK(message.find(c.message) != std::string::npos);
  }
  // The session still works after rejected requests.
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ok4.data(), {1, 4});
  CHECK(session.run(inputs).size() == 2);
  CHECK_THROWS_WITH_AS(session.run(Inputs{}), "input_ids is required", Error);
}

TEST_CASE("bad weights: a NaN is refused by the converter, or propagates when allowed") {
  // bert-tiny with the last pooler weight (the last 4 bytes of the file) NaN.
  const std::filesystem::path dir = std::string(MINIRT_BINARY_DIR) + "/bad_input_nan_weight";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(test::repo_path("tests/data/bert-tiny/config.json"),
                             dir / "config.json",
                             std::filesystem::copy_options::overwrite_existing);
  std::vector<uint8_t> weights =
      read_bytes(test::repo_path("tests/data/bert-tiny/model.safetensors"));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(weights.data() + weights.size() - sizeof nan, &nan, sizeof nan);
  std::ofstream(dir / "model.safetensors", std::ios::binary)
      .write(reinterpret_cast<const char*>(weights.data()),
             static_cast<std::streamsize>(weights.size()));

  const std::string out = std::string(MINIRT_BINARY_DIR) + "/bad_input_nan_weight.fb";
  const std::string convert = test::bin("minirt-convert") + " --hf " + dir.string() + " -o " + out;
  const auto refused = test::run_command(convert);
  CHECK(refused.exit_code == 1);
  CHECK(refused.output.find("weight 'pooler.dense.weight' holds nan at element 4095 "
                            "(--allow-nonfinite-weights writes it anyway)") != std::string::npos);

  test::convert_hf(dir.string(), out, "--allow-nonfinite-weights --max-batch 2 --max-seq 8");
  Session session(Model::load(out));
  const int64_t ids[] = {101, 7, 8, 102, 101, 9, 102, 0};
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids, {2, 4});
  for (const OutputView& output : session.run(inputs)) {
    if (std::string(output.name) != "pooler_output") continue;
    // Output column 63 reads the NaN (through tanh): NaN; the others do not.
    for (int64_t i = 0; i < output.numel(); ++i)
      CHECK(std::isnan(output.data[i]) == (i % 64 == 63));
  }
}

TEST_CASE("bad input on the command line: non-zero exit and the message") {
  const auto missing = test::run_command(test::bin("minirt") + " run /nonexistent.fb --bench");
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("minirt: cannot open '/nonexistent.fb'") != std::string::npos);
  const auto seq =
      test::run_command(test::bin("minirt") + " run " + tiny_model() + " --bench --seq 999");
  CHECK(seq.exit_code == 1);
  CHECK(seq.output.find("--seq must be an integer in 1..32") != std::string::npos);
  const auto flag =
      test::run_command(test::bin("minirt") + " run " + tiny_model() + " --bench --frobnicate");
  CHECK(flag.exit_code == 1);
  CHECK(flag.output.find("unknown option --frobnicate") != std::string::npos);
  // Planned sizes the runtime refuses are refused when converting, naming them.
  const std::string tiny_hf = " --hf " + test::repo_path("tests/data/bert-tiny");
  const auto elements = test::run_command(test::bin("minirt-convert") + tiny_hf +
                                          " --max-batch 2000000000 -o /tmp/x.fb");
  CHECK(elements.exit_code == 1);
  CHECK(
      elements.output.find("at --max-batch 2000000000, --max-seq 128, --max-tokens 2147483647: ") !=
      std::string::npos);
  CHECK(
      elements.output.find("holds more than 2^40 elements at max_batch 2000000000, max_seq 128") !=
      std::string::npos);
  const auto arena =
      test::run_command(test::bin("minirt-convert") + tiny_hf + " --max-batch 100000 -o /tmp/x.fb");
  CHECK(arena.exit_code == 1);
  CHECK(arena.output.find(
            "its activation arena at max_batch 100000, max_seq 128, max_tokens 12800000 needs ") !=
        std::string::npos);
  CHECK(arena.output.find("bytes, above the limit of 4294967296") != std::string::npos);
  const auto convert =
      test::run_command(test::bin("minirt-convert") + " --hf /nonexistent -o /tmp/x.fb");
  CHECK(convert.exit_code != 0);
  CHECK(convert.output.find("/nonexistent") != std::string::npos);
}

}  // namespace
}  // namespace minirt
