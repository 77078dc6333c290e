// Model::load_from_memory: the loader's checks on bytes in memory, which the
// model copies, so the caller's buffer may be misaligned or freed.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>

#include "minirt/minirt.h"
#include "tests/unit/tiny_model_writer.h"

namespace minirt {
namespace {

std::string load_error(std::span<const uint8_t> bytes, const std::string& name) {
  try {
    Model::load_from_memory(bytes, name);
  } catch (const Error& e) {
    return e.what();
  }
  return "(loaded)";
}

// The tiny model's one output: every element 1.5 (model_check_test.cpp).
void check_runs(const std::shared_ptr<const Model>& model) {
  Session session(model);
  const int64_t ids[] = {1, 2, 3, 4};
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids, {2, 2});
  const auto outputs = session.run(inputs);
  REQUIRE(outputs.size() == 1);
  REQUIRE(outputs[0].numel() == 2 * 2 * 3);
  for (int64_t i = 0; i < outputs[0].numel(); ++i)
    CHECK(outputs[0].data[i] == doctest::Approx(1.5));
}

TEST_CASE("load from memory: good bytes load and run as the file does") {
  const std::vector<uint8_t> bytes = test::serialize(test::valid_spec());
  const auto model = Model::load_from_memory(bytes);
  CHECK(model->summary().file_bytes == bytes.size());
  CHECK(model->summary().source == "tiny_model_writer");
  CHECK(model->describe_ops() ==
        Model::load(test::write_temp(bytes, "from_memory"))->describe_ops());
  check_runs(model);
  check_runs(model);  // a second session reads the weights the first one packed
}

TEST_CASE("load from memory: bad bytes fail naming the given name") {
  const uint8_t three[] = {1, 2, 3};
  CHECK(load_error(three, "mine") ==
        "invalid model 'mine': only 3 bytes, too short to be a minirt model");
  CHECK(load_error({}, "empty") ==
        "invalid model 'empty': only 0 bytes, too short to be a minirt model");
  std::vector<uint8_t> bytes = test::serialize(test::valid_spec());
  bytes[4] = 'X';  // the file identifier
  CHECK(load_error(bytes, "mine").find("invalid model 'mine': file identifier is not 'MRT1'") == 0);
  bytes = test::serialize(test::valid_spec());
  bytes.resize(bytes.size() / 2);
  CHECK(load_error(bytes, "half") ==
        "invalid model 'half': FlatBuffers verification failed (truncated or corrupt file)");
  try {
    Model::load_from_memory(std::span<const uint8_t>(three));
    FAIL("loaded");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("invalid model '<memory>'") == 0);
  }
}

TEST_CASE("load from memory: the caller's buffer may be freed once load returns") {
  auto bytes = std::make_unique<std::vector<uint8_t>>(test::serialize(test::valid_spec()));
  const auto model = Model::load_from_memory(*bytes);
  std::memset(bytes->data(), 0xff, bytes->size());  // whatever was read in place is now garbage
  bytes.reset();
  check_runs(model);
}

TEST_CASE("load from memory: a caller's buffer off the 64-byte alignment works") {
  const std::vector<uint8_t> bytes = test::serialize(test::valid_spec());
  for (size_t shift : {1, 8, 32}) {
    CAPTURE(shift);
    std::vector<uint8_t> storage(bytes.size() + 64 +
                                 shift);  // room for the alignment and the shift
    const auto base = reinterpret_cast<uintptr_t>(storage.data());
    uint8_t* at = storage.data() + (64 - base % 64) % 64 + shift;  // 64-aligned + shift
    std::memcpy(at, bytes.data(), bytes.size());
    check_runs(Model::load_from_memory({at, bytes.size()}));
  }
}

}  // namespace
}  // namespace minirt
