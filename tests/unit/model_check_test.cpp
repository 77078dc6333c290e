// The loader's own checks, on files built by hand to break one rule each.
#include <doctest/doctest.h>

#include <functional>

#include "minirt/minirt.h"
#include "tests/unit/tiny_model_writer.h"

namespace minirt {
namespace {

using test::ModelSpec;

std::string load_error(const ModelSpec& spec, const std::string& name) {
  try {
    Model::load(test::write_temp(test::serialize(spec), name));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("model check: the valid tiny model loads and runs") {
  const auto model = Model::load(test::write_temp(test::serialize(test::valid_spec()), "valid"));
  Session session(model);
  const int64_t ids[] = {1, 2, 3};
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids, {1, 3});
  const auto outputs = session.run(inputs);
  REQUIRE(outputs.size() == 1);
  CHECK(std::string(outputs[0].name) == "out");
  CHECK(outputs[0].rank == 3);
  CHECK(outputs[0].shape[2] == 3);
  // LN of equal embeddings is beta (0.5); dense: 4 * 0.5 * 0.5 + 0.5 = 1.5.
  for (int64_t i = 0; i < outputs[0].numel(); ++i)
    CHECK(outputs[0].data[i] == doctest::Approx(1.5));
}

struct BrokenCase {
  const char* what;
  std::function<void(ModelSpec&)> mutate;
  const char* message;
};

TEST_CASE("model check: each broken rule gets a message naming it") {
  const BrokenCase cases[] = {
      {"version", [](ModelSpec& m) { m.version = 2; }, "format version 2"},
      {"max_batch", [](ModelSpec& m) { m.max_batch = 0; }, "max_batch 0"},
      {"input index", [](ModelSpec& m) { m.ops[1].inputs[0] = 99; }, "index 99 is out of range"},
      {"output index", [](ModelSpec& m) { m.outputs = {42}; }, "graph output index 42"},
      {"buffer index", [](ModelSpec& m) { m.values[10].buffer = 77; }, "names buffer 77"},
      {"weight bytes", [](ModelSpec& m) { m.buffers[6].resize(5); }, "expects 12 bytes"},
      {"weight shape",
       [](ModelSpec& m) {
         m.values[10].shape = {test::dim(3), test::dim(5)};
       },
       "expects 60 bytes"},
      {"matmul K",
       [](ModelSpec& m) {
         m.values[10].shape = {test::dim(2), test::dim(6)};
       },
       "has shape [B,S,4], expected [B,S,6]"},
      {"dtype", [](ModelSpec& m) { m.values[0].dtype = fb::DType::F32; }, "must be an i64 input"},
      {"unknown input", [](ModelSpec& m) { m.values[1].name = "segment_ids"; },
       "'segment_ids' is not one of"},
      {"read before write", [](ModelSpec& m) { std::swap(m.ops[0], m.ops[1]); },
       "before any op writes it"},
      {"double write", [](ModelSpec& m) { m.ops[1].outputs = {8}; }, "written twice"},
      {"missing bias", [](ModelSpec& m) { m.ops[1].inputs.pop_back(); },
       "has 3 inputs and 1 outputs"},
      {"positions", [](ModelSpec& m) { m.max_seq = 9; }, "fewer than max_seq 9"},
      {"epsilon", [](ModelSpec& m) { m.ops[0].epsilon = 0; }, "epsilon must be positive"},
      {"weight as activation", [](ModelSpec& m) { m.ops[1].inputs[1] = 8; },
       "'hidden' must be a weight"},
      {"symbolic weight", [](ModelSpec& m) { m.values[11].shape = {test::batch_dim()}; },
       "symbolic shape"},
      {"output dtype", [](ModelSpec& m) { m.values[12].kind = fb::ValueKind::Intermediate; },
       "must be an f32 output"},
  };
  for (const BrokenCase& c : cases) {
    CAPTURE(c.what);
    ModelSpec spec = test::valid_spec();
    c.mutate(spec);
    const std::string message = load_error(spec, "broken");
    CAPTURE(message);
    CHECK(message.find(c.message) != std::string::npos);
  }
}

TEST_CASE("model check: a shape vector moved off its 8-byte alignment is refused") {
  // Shift the first value's shape offset by 4: the vector then starts on a
  // 4-byte boundary, which the FlatBuffers verifier accepts for a vector of
  // structs (it checks the length field) while its int64 dims are misaligned.
  std::vector<uint8_t> bytes = test::serialize(test::valid_spec());
  const fb::Value* value = fb::GetModel(bytes.data())->values()->Get(0);
  // fb::Value derives from flatbuffers::Table privately, at the same address.
  const auto field = reinterpret_cast<const flatbuffers::Table*>(value)->GetOptionalFieldOffset(
      fb::Value::VT_SHAPE);
  REQUIRE(field != 0);
  auto* offset = reinterpret_cast<uint32_t*>(
      const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(value)) + field);
  *offset += 4;
  std::string error;
  try {
    Model::load(test::write_temp(bytes, "misaligned_shape"));
  } catch (const Error& e) {
    error = e.what();
  }
  INFO(error);
  CHECK(error.find("has a misaligned shape (corrupt file)") != std::string::npos);
}

}  // namespace
}  // namespace minirt
