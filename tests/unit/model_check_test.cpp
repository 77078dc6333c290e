// The loader's structural rules and the fused ops' rules, each broken once
// on a file built by hand (tiny_model_writer.h); the message must name it.
// Generic ops: model_check_generic_test.cpp.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "format/format_version.h"
#include "minirt/minirt.h"
#include "tests/unit/tiny_model_writer.h"

namespace minirt {
namespace {

using test::batch_dim;
using test::dim;
using test::ModelSpec;
using test::seq_dim;

std::string load_error(const std::vector<uint8_t>& bytes) {
  try {
    Model::load_from_memory(bytes, "tiny");
  } catch (const Error& e) {
    return e.what();
  }
  return "(loaded)";
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
  std::string message;
};

void check_cases(std::initializer_list<BrokenCase> cases) {
  for (const BrokenCase& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    ModelSpec spec = test::valid_spec();
    c.mutate(spec);
    const std::string message = load_error(test::serialize(spec));
    CAPTURE(message);
    CHECK(message.rfind("invalid model 'tiny': ", 0) == 0);
    CHECK(message.find(c.message) != std::string::npos);
  }
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// Replaces the MatMul by another op reading the embedding's outputs.
void dense_is(ModelSpec& m, fb::OpParams type, std::vector<int32_t> inputs) {
  m.ops[1].type = type;
  m.ops[1].inputs = std::move(inputs);
}

TEST_CASE("model check: file and value rules") {
  check_cases({
      {"version", [](ModelSpec& m) { m.version = kFormatVersion + 1; },
       "format version " + std::to_string(kFormatVersion + 1) +
           " is newer than this minirt, which reads versions 1 to " +
           std::to_string(kFormatVersion)},
      {"version 0", [](ModelSpec& m) { m.version = 0; }, "format version 0, this minirt reads"},
      {"max_tokens", [](ModelSpec& m) { m.max_tokens = -1; }, "max_tokens -1 is negative"},
      {"max_batch", [](ModelSpec& m) { m.max_batch = 0; }, "max_batch 0 and max_seq 8"},
      {"no values", [](ModelSpec& m) { m.values.clear(); }, "the model has no values"},
      {"no ops", [](ModelSpec& m) { m.ops.clear(); }, "the model has no ops"},
      {"no outputs", [](ModelSpec& m) { m.outputs.clear(); }, "the model lists no graph outputs"},
      {"input index", [](ModelSpec& m) { m.ops[1].inputs[0] = 99; },
       "op 'dense' input index 99 is out of range"},
      {"absent output", [](ModelSpec& m) { m.ops[1].outputs = {-1}; },
       "op 'dense' output index -1 is out of range"},
      {"graph input index",
       [](ModelSpec& m) {
         m.inputs = {0, 2, 1, 13};
       },
       "graph input index 13 is out of range"},
      {"graph output index", [](ModelSpec& m) { m.outputs = {42}; },
       "graph output index 42 is out of range"},
      {"unknown kind", [](ModelSpec& m) { m.ops[1].type = static_cast<fb::OpParams>(99); },
       "op 'dense' has unknown kind code 99"},
      {"no params table", [](ModelSpec& m) { m.ops[1].no_params = true; },
       "op 'dense' (MatMul) has no params table"},
      {"no generic params table",
       [](ModelSpec& m) {
         m.ops[1].type = fb::OpParams::Slice;
         m.ops[1].no_params = true;
       },
       "op 'dense' (Slice) has no params table"},
      {"unknown activation",
       [](ModelSpec& m) { m.ops[1].activation = static_cast<fb::Activation>(9); },
       "unknown activation code 9"},
      {"unknown precision floor",
       [](ModelSpec& m) { m.ops[1].precision_floor = static_cast<fb::PrecisionFloor>(5); },
       "unknown precision_floor code 5"},
      {"static input scale zero",
       [](ModelSpec& m) {
         m.ops[1].input_quantization = StaticQuantization{0.0f, 128};
       },
       "op 1 'dense' (MatMul): input_quantization scale must be positive and finite, is 0.000000"},
      {"static input scale NaN",
       [](ModelSpec& m) {
         m.ops[1].input_quantization = StaticQuantization{NAN, 128};
       },
       "input_quantization scale must be positive and finite, is nan"},
      {"static input scale infinite",
       [](ModelSpec& m) {
         m.ops[1].input_quantization = StaticQuantization{INFINITY, 0};
       },
       "input_quantization scale must be positive and finite, is inf"},
      {"static input zero point above u8",
       [](ModelSpec& m) {
         m.ops[1].input_quantization = StaticQuantization{0.5f, 256};
       },
       "input_quantization zero_point must be in [0, 255] (u8), is 256"},
      {"static input zero point negative (an s8 one not mapped to u8)",
       [](ModelSpec& m) {
         m.ops[1].input_quantization = StaticQuantization{0.5f, -3};
       },
       "input_quantization zero_point must be in [0, 255] (u8), is -3"},
      {"unknown dtype", [](ModelSpec& m) { m.values[8].dtype = static_cast<fb::DType>(42); },
       "value 8 'hidden' has unknown dtype code 42"},
      {"unknown value kind", [](ModelSpec& m) { m.values[8].kind = static_cast<fb::ValueKind>(7); },
       "unknown value kind code 7"},
      {"no shape", [](ModelSpec& m) { m.values[8].no_shape = true; },
       "value 8 'hidden' has no shape"},
      {"rank", [](ModelSpec& m) { m.values[8].shape.assign(9, dim(1)); },
       "value 8 'hidden' has rank 9, above 8"},
      {"zero dim", [](ModelSpec& m) { m.values[8].shape[2] = dim(0); },
       "value 8 'hidden' has an invalid or oversized dim 0"},
      {"oversized dim", [](ModelSpec& m) { m.values[8].shape[2] = dim(int64_t{1} << 41); },
       "has an invalid or oversized dim"},
      {"dim overflowing at the max sizes",  // (2^33+1) * 2^16 * 2^15 wraps to 2^31
       [](ModelSpec& m) {
         m.max_batch = 1 << 16;
         m.max_seq = 1 << 15;
         m.values[8].shape[2] =
             fb::Dim((int64_t{1} << 33) + 1, fb::DimSymbol::BATCH | fb::DimSymbol::SEQ);
       },
       "value 8 'hidden' has an invalid or oversized dim"},
      {"too many elements at the max sizes",  // 2 * 8 * 2^39
       [](ModelSpec& m) { m.values[8].shape[2] = dim(int64_t{1} << 39); },
       "value 8 'hidden' holds more than 2^40 elements at max_batch 2, max_seq 8"},
      {"buffer index", [](ModelSpec& m) { m.values[10].buffer = 77; },
       "value 10 'w' names buffer 77, out of range"},
      {"weight bytes", [](ModelSpec& m) { m.buffers[6].resize(20); },
       "value 11 'b' expects 12 bytes of weights, buffer has 20"},
      {"weight shape",
       [](ModelSpec& m) {
         m.values[10].shape = {dim(3), dim(5)};
       },
       "expects 60 bytes"},
      {"symbolic weight", [](ModelSpec& m) { m.values[11].shape = {batch_dim()}; },
       "value 11 'b' is a weight with a symbolic shape"},
      {"misaligned weights", [](ModelSpec& m) { m.buffer_alignment = 4; },
       "weight data is not 64-byte aligned in the file"},
      {"no name", [](ModelSpec& m) { m.values[9].name = ""; }, "value 9 has no name"},
      {"same name", [](ModelSpec& m) { m.values[9].name = "hidden"; },
       "value 9 'hidden': the name is used twice"},
  });
}

TEST_CASE("model check: graph rules") {
  check_cases({
      {"dtype", [](ModelSpec& m) { m.values[0].dtype = fb::DType::F32; },
       "graph input 'input_ids' must be an i64 input of shape [B,S]"},
      {"unknown input", [](ModelSpec& m) { m.values[1].name = "segment_ids"; },
       "graph input 'segment_ids' is not one of input_ids, attention_mask, token_type_ids"},
      {"input listed twice",
       [](ModelSpec& m) {
         m.inputs = {0, 2, 1, 0};
       },
       "graph input 'input_ids' is listed twice"},
      {"input not listed",
       [](ModelSpec& m) {
         m.inputs = {0, 2};
       },
       "input value 'token_type_ids' is not a graph input"},
      {"read before write", [](ModelSpec& m) { std::swap(m.ops[0], m.ops[1]); },
       "op 0 'dense' reads 'hidden' before any op writes it"},
      {"writes a weight", [](ModelSpec& m) { m.ops[1].outputs = {10}; },
       "op 1 'dense' writes 'w', which is not an intermediate or output value"},
      {"double write", [](ModelSpec& m) { m.ops[1].outputs = {8}; },
       "value 'hidden' is written twice (again by op 'dense')"},
      {"output kind", [](ModelSpec& m) { m.values[12].kind = fb::ValueKind::Intermediate; },
       "graph output 'out' must be an f32 output value of rank <= 4 written by an op"},
      {"output listed twice",
       [](ModelSpec& m) {
         m.outputs = {12, 12};
       },
       "graph output 'out' is listed twice"},
      {"output not listed", [](ModelSpec& m) { m.values[9].kind = fb::ValueKind::Output; },
       "output value 'mask_bias' is not a graph output"},
      {"input read by no op",
       [](ModelSpec& m) {
         // Embed reads input_ids for its token types too: token_type_ids is unread.
         m.ops[0].inputs[1] = 0;
       },
       "graph input 'token_type_ids' is read by no op"},
  });
}

TEST_CASE("model check: EmbedLayerNorm rules") {
  check_cases({
      {"arity", [](ModelSpec& m) { m.ops[0].inputs.pop_back(); },
       "op 0 'embed' (EmbedLayerNorm): has 7 inputs and 2 outputs, expected 8 and 2"},
      {"absent input", [](ModelSpec& m) { m.ops[0].inputs[6] = -1; },
       "op 0 'embed' (EmbedLayerNorm): input 6 is required but absent"},
      {"ids dtype", [](ModelSpec& m) { m.ops[0].inputs[0] = 6; },
       "input_ids 'gamma' is f32, expected i64"},
      {"ids shape",
       [](ModelSpec& m) {
         m.buffers.emplace_back(2 * 8 * sizeof(int64_t));
         m.values.push_back({"ids", fb::DType::I64, {dim(2), dim(8)}, fb::ValueKind::Weight, 7});
         m.ops[0].inputs[0] = 13;
       },
       "input_ids 'ids' has shape [2,8], expected [B,S]"},
      {"word not constant",
       [](ModelSpec& m) {
         m.values[3].shape = {};
         m.buffers[0].resize(4);
       },
       "word table 'word' must end in a constant dim, has []"},
      {"table not a weight", [](ModelSpec& m) { m.ops[0].inputs[4] = 0; },
       "position table 'input_ids' must be a weight"},
      {"word rank",
       [](ModelSpec& m) {
         m.values[3].shape = {dim(2), dim(5), dim(4)};
       },
       "word table must be 2-D"},
      {"table dtype", [](ModelSpec& m) { m.values[5].dtype = fb::DType::I32; },
       "token type table 'token_type' is i32, expected f32"},
      {"table width",
       [](ModelSpec& m) {
         m.values[4].shape = {dim(4), dim(8)};
       },
       "position table 'position' has shape [4,8], expected [4,4]"},
      {"positions", [](ModelSpec& m) { m.max_seq = 9; },
       "position table has 8 rows, fewer than max_seq 9"},
      {"gamma not a weight", [](ModelSpec& m) { m.ops[0].inputs[6] = 0; },
       "gamma 'input_ids' must be a weight"},
      {"beta shape",
       [](ModelSpec& m) {
         m.values[7].shape = {dim(2), dim(2)};
       },
       "beta 'beta' has shape [2,2], expected [4]"},
      {"output shape",
       [](ModelSpec& m) {
         m.values[8].shape = {batch_dim(), dim(4)};
       },
       "output 'hidden' has shape [B,4], expected [B,S,4]"},
      {"mask bias shape", [](ModelSpec& m) { m.values[9].shape = {batch_dim()}; },
       "mask bias 'mask_bias' has shape [B], expected [B,S]"},
      {"epsilon 0", [](ModelSpec& m) { m.ops[0].epsilon = 0; },
       "epsilon must be positive and finite, is 0"},
      {"epsilon NaN", [](ModelSpec& m) { m.ops[0].epsilon = kNaN; },
       "epsilon must be positive and finite, is nan"},
      {"epsilon inf", [](ModelSpec& m) { m.ops[0].epsilon = kInf; },
       "epsilon must be positive and finite, is inf"},
  });
}

TEST_CASE("model check: MatMul rules") {
  check_cases({
      {"missing bias", [](ModelSpec& m) { m.ops[1].inputs.pop_back(); },
       "op 1 'dense' (MatMul): has 3 inputs and 1 outputs, expected 4 and 1"},
      {"weight as activation", [](ModelSpec& m) { m.ops[1].inputs[1] = 8; },
       "weight 'hidden' must be a weight"},
      {"weight rank", [](ModelSpec& m) { m.values[10].shape = {dim(12)}; },
       "weight 'w' must be 2-D [N,K]"},
      {"source rank 0",
       [](ModelSpec& m) {
         m.values[11].shape = {};
         m.buffers[6].resize(4);
         m.ops[1].inputs[0] = 11;
       },
       "source has rank 0"},
      {"K",
       [](ModelSpec& m) {
         m.values[10].shape = {dim(2), dim(6)};
       },
       "source 'hidden' has shape [B,S,4], expected [B,S,6]"},
      {"weight dtype", [](ModelSpec& m) { m.values[10].dtype = fb::DType::I32; },
       "weight 'w' is i32, expected f32"},
      {"bias not a weight", [](ModelSpec& m) { m.ops[1].inputs[2] = 9; },
       "bias 'mask_bias' must be a weight"},
      {"bias shape",
       [](ModelSpec& m) {
         m.values[11].shape = {dim(1), dim(3)};
       },
       "bias 'b' has shape [1,3], expected [3]"},
      {"residual shape", [](ModelSpec& m) { m.ops[1].inputs[3] = 8; },
       "residual 'hidden' has shape [B,S,4], expected [B,S,3]"},
      {"output shape",
       [](ModelSpec& m) {
         m.values[12].shape = {batch_dim(), seq_dim(), dim(2)};
       },
       "output 'out' has shape [B,S,2], expected [B,S,3]"},
  });
}

// The MatMul becomes the op under test, reading the embedding's outputs.
TEST_CASE("model check: Attention, AddLayerNorm and Pooler rules") {
  auto attention = [](ModelSpec& m) {
    dense_is(m, fb::OpParams::Attention, {8, 9});
    m.ops[1].num_heads = 1;
    m.ops[1].head_dim = 4;
    m.values[8].shape[2] = dim(12);  // qkv [B,S,12]
    m.values[3].shape = {dim(10), dim(12)};
    m.values[4].shape = {dim(8), dim(12)};
    m.values[5].shape = {dim(2), dim(12)};
    m.values[6].shape = m.values[7].shape = {dim(12)};
    for (size_t i = 0; i < 5; ++i) m.buffers[i].resize(m.buffers[i].size() * 3);
    m.values[12].shape[2] = dim(4);
  };
  auto add_layer_norm = [](ModelSpec& m) {
    dense_is(m, fb::OpParams::AddLayerNorm, {8, 8, 6, 7});
    m.values[12].shape[2] = dim(4);
  };
  auto pooler = [](ModelSpec& m) {
    m.values[10].shape = {dim(4), dim(4)};
    m.values[11].shape = {dim(4)};
    m.buffers[5].resize(64);
    m.buffers[6].resize(16);
    dense_is(m, fb::OpParams::Pooler, {8, 10, 11});
    m.values[12].shape = {batch_dim(), dim(4)};
  };
  check_cases({
      {"scale 0",
       [&](ModelSpec& m) {
         attention(m);
         m.ops[1].scale = 0;
       },
       "op 1 'dense' (Attention): scale must be positive and finite, is 0"},
      {"scale NaN",
       [&](ModelSpec& m) {
         attention(m);
         m.ops[1].scale = kNaN;
       },
       "scale must be positive and finite, is nan"},
      {"scale negative",
       [&](ModelSpec& m) {
         attention(m);
         m.ops[1].scale = -1;
       },
       "scale must be positive and finite, is -1"},
      {"scale inf",
       [&](ModelSpec& m) {
         attention(m);
         m.ops[1].scale = kInf;
       },
       "scale must be positive and finite, is inf"},
      {"heads",
       [&](ModelSpec& m) {
         attention(m);
         m.ops[1].num_heads = 0;
       },
       "num_heads 0 and head_dim 4 must be positive"},
      {"qkv width overflowing",  // 3 x (2^31-1)^2 overflows int64
       [&](ModelSpec& m) {
         attention(m);
         m.ops[1].num_heads = m.ops[1].head_dim = std::numeric_limits<int32_t>::max();
       },
       "op 1 'dense' (Attention): num_heads x head_dim x 3 overflows"},
      {"qkv width",
       [&](ModelSpec& m) {
         attention(m);
         m.ops[1].num_heads = 2;
       },
       "qkv 'hidden' has shape [B,S,12], expected [B,S,24]"},
      {"attention arity",
       [&](ModelSpec& m) {
         attention(m);
         m.ops[1].inputs.push_back(9);
       },
       "has 3 inputs and 1 outputs, expected 2 and 1"},
      {"mask bias",
       [&](ModelSpec& m) {
         attention(m);
         m.ops[1].inputs[1] = 8;
       },
       "mask bias 'hidden' has shape [B,S,12], expected [B,S]"},
      {"attention output",
       [&](ModelSpec& m) {
         attention(m);
         m.values[12].shape[2] = dim(3);
       },
       "output 'out' has shape [B,S,3], expected [B,S,4]"},
      {"add_ln epsilon",
       [&](ModelSpec& m) {
         add_layer_norm(m);
         m.ops[1].epsilon = kNaN;
       },
       "op 1 'dense' (AddLayerNorm): epsilon must be positive and finite, is nan"},
      {"add_ln source",
       [&](ModelSpec& m) {
         add_layer_norm(m);
         m.ops[1].inputs[0] = 9;
       },
       "source 'mask_bias' must end in a constant dim, has [B,S]"},
      {"add_ln residual",
       [&](ModelSpec& m) {
         add_layer_norm(m);
         m.ops[1].inputs[1] = 9;
       },
       "residual 'mask_bias' has shape [B,S], expected [B,S,4]"},
      {"add_ln gamma not a weight",
       [&](ModelSpec& m) {
         add_layer_norm(m);
         m.ops[1].inputs[2] = 8;
       },
       "gamma 'hidden' must be a weight"},
      {"add_ln beta shape",
       [&](ModelSpec& m) {
         add_layer_norm(m);
         m.ops[1].inputs[3] = 11;
       },
       "beta 'b' has shape [3], expected [4]"},
      {"add_ln output",
       [&](ModelSpec& m) {
         add_layer_norm(m);
         m.values[12].shape[2] = dim(3);
       },
       "output 'out' has shape [B,S,3], expected [B,S,4]"},
      {"pooler hidden",
       [&](ModelSpec& m) {
         pooler(m);
         m.ops[1].inputs[0] = 10;
       },
       "hidden 'w' has shape [4,4], expected [B,S,4]"},
      {"pooler weight",
       [&](ModelSpec& m) {
         pooler(m);
         m.ops[1].inputs[1] = 4;
       },
       "weight 'position' has shape [8,4], expected [4,4]"},
      {"pooler weight not a weight",
       [&](ModelSpec& m) {
         pooler(m);
         m.ops[1].inputs[1] = 8;
       },
       "weight 'hidden' must be a weight"},
      {"pooler bias not a weight",
       [&](ModelSpec& m) {
         pooler(m);
         m.ops[1].inputs[2] = 9;
       },
       "bias 'mask_bias' must be a weight"},
      {"pooler output",
       [&](ModelSpec& m) {
         pooler(m);
         m.values[12].shape = {batch_dim(), dim(3)};
       },
       "output 'out' has shape [B,3], expected [B,4]"},
  });
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
  const std::string error = load_error(bytes);
  INFO(error);
  CHECK(error.find("value 0 'input_ids': the shape vector starts misaligned (corrupt file)") !=
        std::string::npos);
}

}  // namespace
}  // namespace minirt

namespace minirt {
namespace {

TEST_CASE("model check: the arena a file plans is capped by LoadOptions") {
  const std::vector<uint8_t> bytes = test::serialize(test::valid_spec());
  const size_t arena = Model::load_from_memory(bytes, "tiny")->arena_bytes();
  CHECK(arena > 0);
  CHECK(Model::load_from_memory(bytes, "tiny", {.max_arena_bytes = arena})->arena_bytes() == arena);
  CHECK_THROWS_WITH_AS(
      Model::load_from_memory(bytes, "tiny", {.max_arena_bytes = arena - 1}),
      ("invalid model 'tiny': its activation arena at max_batch 2, max_seq 8, max_tokens 16 "
       "needs " +
       std::to_string(arena) + " bytes, above the limit of " + std::to_string(arena - 1) +
       " (LoadOptions::max_arena_bytes; or convert with a smaller --max-batch, --max-seq or "
       "--max-tokens)")
          .c_str(),
      Error);
  CHECK(LoadOptions{}.max_arena_bytes == size_t{4} << 30);
}

}  // namespace
}  // namespace minirt
