// emit: a hand-built graph using every fused op kind goes through the writer
// and comes back intact through the generated reader and verifier, with every
// weight 64-byte aligned in the file; broken graphs are refused by name.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "converter/emit/model_writer.h"
#include "converter/ir/op_types.h"
#include "format/format_version.h"
#include "format/minirt_generated.h"
#include "minirt/minirt.h"

namespace {

namespace fs = std::filesystem;
namespace ir = minirt::ir;
namespace fb = minirt::fb;
using minirt::converter::EmitOptions;

constexpr int64_t kVocab = 10, kPositions = 8, kTypes = 2, kHidden = 4, kHeads = 2;

// Weights of distinct, odd sizes, filled with a recognizable pattern.
ir::WeightBytes pattern(int64_t count, float start) {
  std::vector<float> values(static_cast<size_t>(count));
  for (size_t i = 0; i < values.size(); ++i) values[i] = start + 0.5f * static_cast<float>(i);
  return ir::WeightBytes::owned(std::move(values));
}

int value_id(const ir::Graph& g, const std::string& name) {
  for (size_t i = 0; i < g.values.size(); ++i) {
    if (g.values[i].name == name) return static_cast<int>(i);
  }
  FAIL("no value " << name);
  return -1;
}

ir::Op make_op(std::string_view type, std::string name, std::vector<int> inputs,
               std::vector<int> outputs) {
  ir::Op op;
  op.type = type;
  op.name = std::move(name);
  op.inputs = std::move(inputs);
  op.outputs = std::move(outputs);
  return op;
}

// embed -> qkv -> attention -> proj (+ residual, no bias, GeluTanh) -> add_ln -> pooler
ir::Graph tiny_graph() {
  ir::Graph g;
  const ir::Shape bs = {ir::kBatchDim, ir::kSeqDim};
  auto activation = [&g](const std::string& name, int64_t width, ir::ValueKind kind) {
    return g.add_value(
        {name, ir::DType::kF32, {ir::kBatchDim, ir::kSeqDim, ir::const_dim(width)}, kind, {}});
  };
  for (const char* name : {"input_ids", "attention_mask", "token_type_ids"}) {
    g.inputs.push_back(g.add_value({name, ir::DType::kI64, bs, ir::ValueKind::kInput, {}}));
  }
  const int hidden = activation("hidden", kHidden, ir::ValueKind::kOutput);
  const int mask_bias =
      g.add_value({"mask_bias", ir::DType::kF32, bs, ir::ValueKind::kIntermediate, {}});
  const int word =
      g.add_weight("word", ir::DType::kF32, {kVocab, kHidden}, pattern(kVocab * kHidden, 1));
  const int pos =
      g.add_weight("pos", ir::DType::kF32, {kPositions, kHidden}, pattern(kPositions * kHidden, 2));
  const int type =
      g.add_weight("type", ir::DType::kF32, {kTypes, kHidden}, pattern(kTypes * kHidden, 3));
  const int gamma = g.add_weight("gamma", ir::DType::kF32, {kHidden}, pattern(kHidden, 4));
  const int beta = g.add_weight("beta", ir::DType::kF32, {kHidden}, pattern(kHidden, 5));
  ir::Op embed = make_op(ir::op_name(fb::OpParams::EmbedLayerNorm), "embed",
                         {0, 2, 1, word, pos, type, gamma, beta}, {hidden, mask_bias});
  embed.attrs.set("epsilon", 1e-12f);
  g.ops.push_back(embed);

  const int qkv = activation("qkv", 3 * kHidden, ir::ValueKind::kIntermediate);
  const int wqkv = g.add_weight("wqkv", ir::DType::kF32, {3 * kHidden, kHidden},
                                pattern(3 * kHidden * kHidden, 6));
  const int bqkv = g.add_weight("bqkv", ir::DType::kF32, {3 * kHidden}, pattern(3 * kHidden, 7));
  ir::Op qkv_op =
      make_op(ir::op_name(fb::OpParams::MatMul), "qkv", {hidden, wqkv, bqkv, ir::kNoValue}, {qkv});
  qkv_op.attrs.set("activation", std::string(ir::activation_name(fb::Activation::None)));
  g.ops.push_back(qkv_op);

  const int ctx = activation("ctx", kHidden, ir::ValueKind::kIntermediate);
  ir::Op attention =
      make_op(ir::op_name(fb::OpParams::Attention), "attention", {qkv, mask_bias}, {ctx});
  attention.attrs.set("num_heads", kHeads);
  attention.attrs.set("head_dim", kHidden / kHeads);
  attention.attrs.set("scale", 0.5f);
  g.ops.push_back(attention);

  const int proj = activation("proj", kHidden, ir::ValueKind::kIntermediate);
  const int wo =
      g.add_weight("wo", ir::DType::kF32, {kHidden, kHidden}, pattern(kHidden * kHidden, 8));
  ir::Op proj_op =
      make_op(ir::op_name(fb::OpParams::MatMul), "proj", {ctx, wo, ir::kNoValue, hidden}, {proj});
  proj_op.attrs.set("activation", std::string(ir::activation_name(fb::Activation::GeluTanh)));
  g.ops.push_back(proj_op);

  const int normed = activation("normed", kHidden, ir::ValueKind::kIntermediate);
  const int gamma2 = g.add_weight("gamma2", ir::DType::kF32, {kHidden}, pattern(kHidden, 9));
  const int beta2 = g.add_weight("beta2", ir::DType::kF32, {kHidden}, pattern(kHidden, 10));
  ir::Op ln = make_op(ir::op_name(fb::OpParams::AddLayerNorm), "ln", {proj, hidden, gamma2, beta2},
                      {normed});
  ln.attrs.set("epsilon", 1e-5f);
  g.ops.push_back(ln);

  const int pooled = g.add_value({"pooled",
                                  ir::DType::kF32,
                                  {ir::kBatchDim, ir::const_dim(kHidden)},
                                  ir::ValueKind::kOutput,
                                  {}});
  const int wp =
      g.add_weight("wp", ir::DType::kF32, {kHidden, kHidden}, pattern(kHidden * kHidden, 11));
  const int bp = g.add_weight("bp", ir::DType::kF32, {kHidden}, pattern(kHidden, 12));
  g.ops.push_back(make_op(ir::op_name(fb::OpParams::Pooler), "pooler", {normed, wp, bp}, {pooled}));

  g.outputs = {hidden, pooled};
  g.metadata = {{"architecture", "Tiny"}, {"hidden_size", "4"}};
  return g;
}

EmitOptions tiny_options() { return EmitOptions{"test:tiny", 3, 8}; }

std::string error_of(const ir::Graph& g, const EmitOptions& options = tiny_options()) {
  try {
    minirt::converter::build_model_buffer(g, options);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::vector<uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("emit: a written model reads back with values, ops, metadata and aligned weights") {
  const ir::Graph g = tiny_graph();
  const fs::path dir =
      fs::temp_directory_path() / ("minirt_converter_emit_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / "tiny.fb";
  std::ofstream(path) << "an older file the writer replaces";
  minirt::converter::write_model_file(g, tiny_options(), path);
  const std::vector<uint8_t> file = read_file(path);
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);  // no temp left
  fs::remove_all(dir);

  flatbuffers::Verifier verifier(file.data(), file.size());
  REQUIRE(fb::VerifyModelBuffer(verifier));
  CHECK(fb::ModelBufferHasIdentifier(file.data()));
  const fb::Model* m = fb::GetModel(file.data());
  CHECK(m->version() == minirt::kFormatVersion);
  CHECK(m->producer()->str() == "minirt-convert 0.1.0");
  CHECK(m->source()->str() == "test:tiny");
  CHECK(m->max_batch() == 3);
  CHECK(m->max_seq() == 8);
  REQUIRE(m->metadata()->size() == 2);
  CHECK(m->metadata()->Get(0)->key()->str() == "architecture");
  CHECK(m->metadata()->Get(0)->value()->str() == "Tiny");

  REQUIRE(m->values()->size() == g.values.size());
  for (size_t i = 0; i < g.values.size(); ++i) {
    const ir::Value& want = g.values[i];
    const fb::Value* got = m->values()->Get(static_cast<flatbuffers::uoffset_t>(i));
    CAPTURE(want.name);
    CHECK(got->name()->str() == want.name);
    CHECK(got->shape()->size() == want.shape.size());
    for (size_t d = 0; d < want.shape.size(); ++d) {
      const fb::Dim* dim = got->shape()->Get(static_cast<flatbuffers::uoffset_t>(d));
      CHECK(dim->factor() == want.shape[d].factor);
      CHECK(((dim->symbols() & fb::DimSymbol::BATCH) == fb::DimSymbol::BATCH) ==
            want.shape[d].batch);
      CHECK(((dim->symbols() & fb::DimSymbol::SEQ) == fb::DimSymbol::SEQ) == want.shape[d].seq);
    }
    if (want.kind != ir::ValueKind::kWeight) continue;
    CHECK(got->kind() == fb::ValueKind::Weight);
    CHECK(got->dtype() == fb::DType::F32);
    const auto* data = m->buffers()->Get(got->buffer())->data();
    REQUIRE(data->size() == want.data.size());
    CHECK(std::memcmp(data->data(), want.data.bytes().data(), data->size()) == 0);
    CHECK((data->data() - file.data()) % 64 == 0);
  }
  CHECK(m->values()->Get(0)->dtype() == fb::DType::I64);
  CHECK(m->values()->Get(0)->kind() == fb::ValueKind::Input);
  CHECK(m->values()->Get(value_id(g, "pooled"))->kind() == fb::ValueKind::Output);
  CHECK(file.size() % 64 == 0);

  REQUIRE(m->ops()->size() == 6);
  const fb::Op* embed = m->ops()->Get(0);
  CHECK(embed->name()->str() == "embed");
  REQUIRE(embed->params_as_EmbedLayerNorm() != nullptr);
  CHECK(embed->params_as_EmbedLayerNorm()->epsilon() == 1e-12f);
  CHECK(std::vector<int>(embed->inputs()->begin(), embed->inputs()->end()) == g.ops[0].inputs);
  CHECK(m->ops()->Get(1)->params_as_MatMul()->activation() == fb::Activation::None);
  const fb::Attention* attention = m->ops()->Get(2)->params_as_Attention();
  REQUIRE(attention != nullptr);
  CHECK(attention->num_heads() == 2);
  CHECK(attention->head_dim() == 2);
  CHECK(attention->scale() == 0.5f);
  const fb::Op* proj = m->ops()->Get(3);
  CHECK(proj->params_as_MatMul()->activation() == fb::Activation::GeluTanh);
  CHECK(proj->inputs()->Get(2) == -1);
  CHECK(proj->inputs()->Get(3) == value_id(g, "hidden"));
  CHECK(m->ops()->Get(4)->params_as_AddLayerNorm()->epsilon() == 1e-5f);
  CHECK(m->ops()->Get(5)->params_type() == fb::OpParams::Pooler);
  CHECK(std::vector<int>(m->inputs()->begin(), m->inputs()->end()) == std::vector<int>{0, 1, 2});
  CHECK(std::vector<int>(m->outputs()->begin(), m->outputs()->end()) == g.outputs);
}

TEST_CASE("emit: weights stay 64-byte aligned whatever their sizes") {
  // Odd byte counts everywhere: 1..9 floats per weight.
  ir::Graph g = tiny_graph();
  for (int n = 1; n <= 9; ++n) {
    g.add_weight("extra" + std::to_string(n), ir::DType::kF32, {n}, pattern(n, 0));
  }
  const flatbuffers::DetachedBuffer buf = minirt::converter::build_model_buffer(g, tiny_options());
  CHECK(buf.size() % 64 == 0);
  const fb::Model* m = fb::GetModel(buf.data());
  CHECK(m->buffers()->size() == 21);
  for (const fb::Buffer* b : *m->buffers()) CHECK((b->data()->data() - buf.data()) % 64 == 0);
}

// A graph emit cannot write fails with the runtime loader's message: the
// rules live there alone (tests/unit/model_check*_test.cpp has each one).
const char* const kInvalid = "the converter produced an invalid model: invalid model 'test:tiny': ";

TEST_CASE("emit: validation names what is wrong, in the runtime's words") {
  SUBCASE("the good graph passes") { CHECK(error_of(tiny_graph()) == "(no error)"); }
  SUBCASE("index out of range") {
    ir::Graph g = tiny_graph();
    g.ops[1].inputs[0] = 99;
    CHECK(error_of(g) == std::string(kInvalid) + "op 'qkv' input index 99 is out of range");
  }
  SUBCASE("wrong input count") {
    ir::Graph g = tiny_graph();
    g.ops[5].inputs.pop_back();
    CHECK(error_of(g) ==
          std::string(kInvalid) +
              "op 5 'pooler' (Pooler): has 2 inputs and 1 outputs, expected 3 and 1");
  }
  SUBCASE("required input absent") {
    ir::Graph g = tiny_graph();
    g.ops[1].inputs[1] = ir::kNoValue;
    CHECK(error_of(g) ==
          std::string(kInvalid) + "op 1 'qkv' (MatMul): input 1 is required but absent");
  }
  SUBCASE("weight of the wrong shape") {
    ir::Graph g = tiny_graph();
    g.ops[5].inputs[1] = value_id(g, "wqkv");
    CHECK(contains(error_of(g),
                   "op 5 'pooler' (Pooler): weight 'wqkv' has shape [12,4], "
                   "expected [4,4]"));
  }
  SUBCASE("activation where a weight belongs") {
    ir::Graph g = tiny_graph();
    g.ops[5].inputs[1] = value_id(g, "hidden");
    CHECK(contains(error_of(g), "op 5 'pooler' (Pooler): weight 'hidden' must be a weight"));
  }
  SUBCASE("wrong dtype") {
    ir::Graph g = tiny_graph();
    g.ops[1].inputs[0] = 0;
    CHECK(contains(error_of(g), "op 1 'qkv' (MatMul): source 'input_ids' is i64, expected f32"));
  }
  SUBCASE("output of the wrong shape") {
    ir::Graph g = tiny_graph();
    g.values[value_id(g, "ctx")].shape.back() = ir::const_dim(6);
    CHECK(contains(error_of(g),
                   "op 2 'attention' (Attention): output 'ctx' has shape [B,S,6], "
                   "expected [B,S,4]"));
  }
  SUBCASE("weight data of the wrong size") {
    ir::Graph g = tiny_graph();
    g.values[value_id(g, "bp")].data = pattern(3, 0);
    CHECK(contains(error_of(g), "'bp' expects 16 bytes of weights, buffer has 12"));
  }
  SUBCASE("data on a value that is not a weight") {
    ir::Graph g = tiny_graph();
    g.values[value_id(g, "ctx")].data = pattern(3, 0);
    CHECK(contains(error_of(g), "'ctx': only weights carry data"));
  }
  SUBCASE("ops out of order") {
    ir::Graph g = tiny_graph();
    std::swap(g.ops[1], g.ops[2]);
    CHECK(contains(error_of(g), "op 1 'attention' reads 'qkv' before any op writes it"));
  }
  SUBCASE("an op that is not a fused op") {
    ir::Graph g = tiny_graph();
    g.ops[3].type = "onnx::Add";
    CHECK(error_of(g) == "op 3 'proj' (onnx::Add): not an op minirt.fbs defines");
    g.ops[3].type = "NONE";
    CHECK(error_of(g) == "op 3 'proj' (NONE): not an op minirt.fbs defines");
  }
  SUBCASE("attributes the file has no field for") {
    ir::Graph h = tiny_graph();
    h.ops[2].attrs.set("num_heads", 2.0f);
    CHECK(
        contains(error_of(h), "op 2 'attention' (Attention): attribute 'num_heads' is not an int"));
    ir::Graph k = tiny_graph();
    k.ops[0].attrs = {};
    CHECK(contains(error_of(k), "op 0 'embed' (EmbedLayerNorm): missing attribute 'epsilon'"));
    ir::Graph w = tiny_graph();
    w.ops[2].attrs.set("head_dim", int64_t{1} << 32);
    CHECK(error_of(w) ==
          "op 2 'attention' (Attention): attribute 'head_dim' value 4294967296 "
          "does not fit int32");
    ir::Graph a = tiny_graph();
    a.ops[3].attrs.set("activation", std::string("Relu"));
    CHECK(error_of(a) ==
          "op 3 'proj' (MatMul): attribute 'activation' is 'Relu', not a name "
          "minirt.fbs defines");
  }
  SUBCASE("a graph output never written") {
    ir::Graph g = tiny_graph();
    g.ops.pop_back();
    CHECK(contains(error_of(g),
                   "graph output 'pooled' must be an f32 output value of rank <= 4 "
                   "written by an op"));
  }
  SUBCASE("an Output value that is not a graph output") {
    ir::Graph g = tiny_graph();
    g.outputs.pop_back();
    CHECK(error_of(g) == std::string(kInvalid) + "output value 'pooled' is not a graph output");
  }
  SUBCASE("duplicate names") {
    ir::Graph g = tiny_graph();
    g.values[value_id(g, "bp")].name = "wp";
    CHECK(contains(error_of(g), "'wp': the name is used twice"));
  }
  SUBCASE("max_seq beyond the position table, max_batch 0") {
    CHECK(contains(error_of(tiny_graph(), EmitOptions{"test", 1, 9}),
                   "position table has 8 rows, fewer than max_seq 9"));
    CHECK(contains(error_of(tiny_graph(), EmitOptions{"test", 0, 8}),
                   "max_batch 0 and max_seq 8 must be positive"));
  }
}

// The drift issue 9 found between emit's and the loader's copies of the
// rules: one set of rules now decides for both.
TEST_CASE("emit: the rules that drifted are the loader's") {
  SUBCASE("Attention's scale: a NaN no longer reaches a file") {
    for (float scale : {std::numeric_limits<float>::quiet_NaN(), 0.0f, -1.0f}) {
      ir::Graph g = tiny_graph();
      g.ops[2].attrs.set("scale", scale);
      CHECK(
          contains(error_of(g), "op 2 'attention' (Attention): scale must be positive and finite"));
    }
  }
  SUBCASE("EmbedLayerNorm's ids are [B,S]") {
    ir::Graph g = tiny_graph();
    const int ids = g.add_weight("ids", ir::DType::kI64, {2, 8},
                                 ir::WeightBytes::owned(std::vector<float>(32, 0.0f)));
    g.ops[0].inputs[0] = ids;
    g.ops[0].inputs[1] = 0;  // keeps every graph input read
    CHECK(contains(error_of(g), "input_ids 'ids' has shape [2,8], expected [B,S]"));
  }
  // A one-op graph over `x` [2,4] writing `y`, the graph output.
  auto one_op = [](std::string_view type, ir::Shape y_shape) {
    ir::Graph g;
    const int x = g.add_weight("x", ir::DType::kF32, {2, 4}, pattern(8, 0));
    const int y =
        g.add_value({"y", ir::DType::kF32, std::move(y_shape), ir::ValueKind::kOutput, {}});
    g.ops.push_back(make_op(type, "op", {x}, {y}));
    g.outputs = {y};
    return g;
  };
  SUBCASE("Reshape: element counts at every planned size") {
    CHECK(error_of(one_op(ir::op_name(fb::OpParams::Reshape), {ir::const_dim(8)})) == "(no error)");
    CHECK(contains(error_of(one_op(ir::op_name(fb::OpParams::Reshape), {ir::const_dim(6)})),
                   "op 0 'op' (Reshape): [2,4] and [6] hold different element counts"));
  }
  SUBCASE("Slice: a count of 0 is refused, as a dim of 0") {
    ir::Graph g = one_op(ir::op_name(fb::OpParams::Slice), {ir::const_dim(0), ir::const_dim(4)});
    g.ops[0].attrs.set("starts", std::vector<int64_t>{0, 0});
    g.ops[0].attrs.set("start_symbols", std::vector<int64_t>{0, 0});
    g.ops[0].attrs.set("steps", std::vector<int64_t>{1, 1});
    CHECK(contains(error_of(g), "value 1 'y' has an invalid or oversized dim 0"));
    g.values[1].shape[0] = ir::const_dim(2);
    CHECK(error_of(g) == "(no error)");
    g.ops[0].attrs.set("start_symbols", std::vector<int64_t>{0});
    CHECK(error_of(g) ==
          "op 0 'op' (Slice): attributes 'starts' and 'start_symbols' differ in length");
  }
}

TEST_CASE("emit: the bytes build_model_buffer returns load as they are") {
  const flatbuffers::DetachedBuffer buffer =
      minirt::converter::build_model_buffer(tiny_graph(), tiny_options());
  const auto model = minirt::Model::load_from_memory({buffer.data(), buffer.size()});
  CHECK(model->summary().num_ops == 6);
  CHECK(model->summary().source == "test:tiny");
}
