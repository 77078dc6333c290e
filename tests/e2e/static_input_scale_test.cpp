// A MatMul's static int8 input quantization (minirt.fbs StaticQuantization)
// end to end: set through the converter's IR helper, written, loaded; int8
// sessions quantize with it, fp32 and bf16 sessions ignore it, padding-free
// runs equal padded ones, and minirt info shows it. (The kernel against the
// oracle on random data and edge sizes: cpu_matmul_test, cpu_src_rows_test.)
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "converter/emit/model_writer.h"
#include "converter/import/hf/bert_builder.h"
#include "converter/import/hf/bert_config.h"
#include "converter/import/hf/safetensors.h"
#include "converter/ir/input_quantization.h"
#include "converter/ir/op_types.h"
#include "tests/e2e/model_files.h"
#include "tests/e2e/precision_support.h"

namespace minirt {
namespace {

const std::string kTiny = test::repo_path("tests/data/bert-tiny");
constexpr int64_t kBatch = 2, kSeq = 16;

ir::Graph tiny_graph() {
  const auto config = converter::hf::read_bert_config(kTiny + "/config.json");
  const auto tensors = converter::hf::read_safetensors(kTiny + "/model.safetensors");
  return converter::hf::build_bert_graph(config, tensors);
}

flatbuffers::DetachedBuffer tiny_bytes(const ir::Graph& graph) {
  converter::EmitOptions options;
  options.max_batch = kBatch;
  options.max_seq = kSeq;
  return converter::build_model_buffer(graph, options);
}

// bert-tiny with every MatMul's input at a fixed scale (symmetric s8, zero
// point 0, mapped to u8's 128), when `scale` > 0.
std::shared_ptr<const Model> tiny_with_static_scale(float scale) {
  ir::Graph graph = tiny_graph();
  int set = 0;
  for (ir::Op& op : graph.ops) {
    if (scale <= 0.0f || op.type != ir::op_name(fb::OpParams::MatMul)) continue;
    ir::set_input_quantization(op, ir::from_s8_quantization(scale, 0));
    ++set;
  }
  if (scale > 0.0f) CHECK(set == 8);  // 4 MatMuls per layer, 2 layers
  const auto bytes = tiny_bytes(graph);
  return Model::load_from_memory({bytes.data(), bytes.size()}, "bert-tiny static");
}

std::vector<int64_t> ids() {
  std::vector<int64_t> out(kBatch * kSeq);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int64_t>(i * 37 % 1000);
  return out;
}

std::vector<std::vector<float>> run_outputs(const std::shared_ptr<const Model>& model,
                                            Precision precision) {
  Session session(model, {.threads = 2, .precision = precision});
  std::vector<int64_t> tokens = ids();
  Inputs inputs;
  inputs.input_ids = Int64Tensor(tokens.data(), {kBatch, kSeq});
  std::vector<std::vector<float>> out;
  for (const OutputView& o : session.run(inputs)) out.emplace_back(o.data, o.data + o.numel());
  return out;
}

TEST_CASE("static input scale: int8 sessions use it, fp32 and bf16 ignore it") {
  const auto plain = tiny_with_static_scale(0.0f);
  const auto fixed = tiny_with_static_scale(0.05f);
  const auto coarse = tiny_with_static_scale(0.5f);
  CHECK(run_outputs(fixed, Precision::kFloat32) == run_outputs(plain, Precision::kFloat32));
  if (test::precision_runs_here(Precision::kBFloat16))
    CHECK(run_outputs(fixed, Precision::kBFloat16) == run_outputs(plain, Precision::kBFloat16));
  if (!test::precision_runs_here(Precision::kInt8)) return;
  const auto dynamic = run_outputs(plain, Precision::kInt8);
  const auto fixed_int8 = run_outputs(fixed, Precision::kInt8);
  const auto coarse_int8 = run_outputs(coarse, Precision::kInt8);
  CHECK(fixed_int8 != dynamic);
  CHECK(coarse_int8 != fixed_int8);
  // Each still close to fp32, the coarser scale further: the scale is what runs.
  const auto want = run_outputs(plain, Precision::kFloat32);
  auto max_abs = [&](const std::vector<std::vector<float>>& got) {
    double worst = 0.0;
    for (size_t o = 0; o < got.size(); ++o)
      for (size_t i = 0; i < got[o].size(); ++i)
        worst = std::max(worst, static_cast<double>(std::fabs(got[o][i] - want[o][i])));
    return worst;
  };
  INFO("max abs from fp32: fixed " << max_abs(fixed_int8) << ", coarse " << max_abs(coarse_int8));
  CHECK(max_abs(fixed_int8) < 0.5);
  CHECK(max_abs(coarse_int8) > max_abs(fixed_int8));
}

TEST_CASE("static input scale: an F32 floor keeps the op in fp32, the scale unused") {
  if (!test::precision_runs_here(Precision::kInt8)) return;
  ir::Graph graph = tiny_graph();
  for (ir::Op& op : graph.ops) {
    if (op.type != ir::op_name(fb::OpParams::MatMul)) continue;
    ir::set_input_quantization(op, {0.05f, 128});
    op.attrs.set("precision_floor", std::string("F32"));
  }
  const auto bytes = tiny_bytes(graph);
  const auto model = Model::load_from_memory({bytes.data(), bytes.size()}, "floor");
  CHECK(run_outputs(model, Precision::kInt8) == run_outputs(model, Precision::kFloat32));
}

// Every row quantized with the same scale: a ragged run equals the padded
// one at every valid position, bit for bit.
TEST_CASE("static input scale: padding-free int8 runs equal padded ones") {
  if (!test::precision_runs_here(Precision::kInt8)) return;
  const auto model = tiny_with_static_scale(0.05f);
  REQUIRE(model->summary().ragged_refusal.empty());
  Session session(model, {.threads = 2, .precision = Precision::kInt8});
  const std::vector<int64_t> lengths = {3, kSeq};
  std::vector<int64_t> padded = ids(), mask(kBatch * kSeq, 1), packed, cu = {0};
  for (int64_t b = 0; b < kBatch; ++b) {
    for (int64_t s = 0; s < kSeq; ++s) {
      if (s < lengths[b])
        packed.push_back(padded[b * kSeq + s]);
      else
        mask[b * kSeq + s] = 0;
    }
    cu.push_back(static_cast<int64_t>(packed.size()));
  }
  Inputs inputs;
  inputs.input_ids = Int64Tensor(padded.data(), {kBatch, kSeq});
  inputs.attention_mask = Int64Tensor(mask.data(), {kBatch, kSeq});
  std::vector<float> want_hidden;
  {
    const auto out = session.run(inputs);
    want_hidden.assign(out[0].data, out[0].data + out[0].numel());
  }
  const auto ragged = session.run_ragged({packed, cu, {}});
  const int64_t width = ragged[0].shape[1];
  int64_t compared = 0;
  for (int64_t b = 0; b < kBatch; ++b)
    for (int64_t s = 0; s < lengths[b]; ++s, ++compared)
      for (int64_t c = 0; c < width; ++c)
        REQUIRE(ragged[0].data[(cu[b] + s) * width + c] ==
                want_hidden[static_cast<size_t>((b * kSeq + s) * width + c)]);
  CHECK(compared == 3 + kSeq);
}

TEST_CASE("static input scale: the converter refuses a bad one, minirt info shows it") {
  ir::Op op;
  op.name = "dense";
  CHECK_THROWS_WITH_AS(ir::set_input_quantization(op, {0.0f, 128}),
                       doctest::Contains("op 'dense': static input scale 0"), std::runtime_error);
  CHECK_THROWS_WITH_AS(ir::set_input_quantization(op, {0.1f, -1}),
                       doctest::Contains("static input zero point -1 is outside [0, 255]"),
                       std::runtime_error);
  CHECK_FALSE(ir::input_quantization(op).has_value());
  CHECK(ir::from_s8_quantization(0.25f, -3).zero_point == 125);

  ir::Graph graph = tiny_graph();
  for (ir::Op& matmul : graph.ops)
    if (matmul.type == ir::op_name(fb::OpParams::MatMul))
      ir::set_input_quantization(matmul, {0.0625f, 130});
  const std::string path = std::string(MINIRT_BINARY_DIR) + "/static_input_scale.fb";
  converter::EmitOptions options;
  options.max_batch = 1;
  options.max_seq = 8;
  converter::write_model_file(graph, options, path);
  const auto info = test::run_command(test::bin("minirt") + " info " + path);
  INFO(info.output);
  CHECK(info.exit_code == 0);
  CHECK(info.output.find("[int8 in 0.0625 z130]") != std::string::npos);
}

}  // namespace
}  // namespace minirt
