// Per-op precision floors (minirt.fbs PrecisionFloor on MatMul): the runtime
// raises a reduced session's precision to each MatMul's floor, and
// minirt-convert --min-cosine sets floors until the precision guard holds.
// The Pooler runs in fp32 in every session.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "converter/emit/model_writer.h"
#include "converter/import/hf/bert_builder.h"
#include "converter/import/hf/bert_config.h"
#include "converter/import/hf/safetensors.h"
#include "converter/ir/op_types.h"
#include "tests/e2e/model_files.h"
#include "tests/e2e/precision_support.h"

namespace minirt {
namespace {

const std::string kTiny = test::repo_path("tests/data/bert-tiny");

// bert-tiny's graph with every MatMul at `floor` ("" : none).
std::shared_ptr<const Model> tiny_with_floor(const std::string& floor) {
  const auto config = converter::hf::read_bert_config(kTiny + "/config.json");
  const auto tensors = converter::hf::read_safetensors(kTiny + "/model.safetensors");
  ir::Graph graph = converter::hf::build_bert_graph(config, tensors);
  int set = 0;
  for (ir::Op& op : graph.ops) {
    if (floor.empty() || op.type != ir::op_name(fb::OpParams::MatMul)) continue;
    op.attrs.set("precision_floor", floor);
    ++set;
  }
  if (!floor.empty()) CHECK(set == 8);  // 4 MatMuls per layer, 2 layers
  converter::EmitOptions options;
  options.max_batch = 2;
  options.max_seq = 16;
  const auto bytes = converter::build_model_buffer(graph, options);
  return Model::load_from_memory({bytes.data(), bytes.size()}, "bert-tiny floor " + floor);
}

std::vector<std::vector<float>> run_outputs(const std::shared_ptr<const Model>& model,
                                            Precision precision) {
  // fp32 attention in every session: these tests are about the MatMuls.
  Session session(model, {.threads = 1, .precision = precision, .bf16_attention = false});
  std::vector<int64_t> ids(2 * 16);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>(i * 37 % 1000);
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids.data(), {2, 16});
  std::vector<std::vector<float>> out;
  for (const OutputView& o : session.run(inputs)) out.emplace_back(o.data, o.data + o.numel());
  return out;
}

// Bit for bit with fp32 only if the Pooler runs in fp32 too, and attention:
// an F32 floor on the QKV MatMul keeps the layer's attention products fp32
// (else bf16 on an AVX512-BF16 CPU).
TEST_CASE("an F32 floor keeps every MatMul of an int8 session in fp32, bit for bit") {
  if (!test::precision_runs_here(Precision::kInt8)) return;
  const auto kept = tiny_with_floor("F32");
  int fp32_attention = 0;
  for (const std::string& line : kept->describe_ops())
    fp32_attention += line.find("Attention(heads=4,dim=16)[fp32]") != std::string::npos;
  CHECK(fp32_attention == 2);  // one per layer, and `minirt info` says so
  CHECK(run_outputs(kept, Precision::kInt8) == run_outputs(kept, Precision::kFloat32));
  // Without floors int8 differs: the comparison above can fail.
  const auto plain = tiny_with_floor("");
  CHECK(run_outputs(plain, Precision::kInt8) != run_outputs(plain, Precision::kFloat32));
  CHECK(run_outputs(plain, Precision::kFloat32) == run_outputs(kept, Precision::kFloat32));
}

TEST_CASE("a BF16 floor runs an int8 session's MatMuls as a bf16 session does") {
  if (!test::precision_runs_here(Precision::kInt8) ||
      !test::precision_runs_here(Precision::kBFloat16))
    return;
  const auto kept = tiny_with_floor("BF16");
  CHECK(run_outputs(kept, Precision::kInt8) == run_outputs(kept, Precision::kBFloat16));
  CHECK(run_outputs(kept, Precision::kInt8) != run_outputs(kept, Precision::kFloat32));
}

TEST_CASE("an unknown floor name is refused at conversion, naming it") {
  const auto config = converter::hf::read_bert_config(kTiny + "/config.json");
  const auto tensors = converter::hf::read_safetensors(kTiny + "/model.safetensors");
  ir::Graph graph = converter::hf::build_bert_graph(config, tensors);
  for (ir::Op& op : graph.ops)
    if (op.type == ir::op_name(fb::OpParams::MatMul)) op.attrs.set("precision_floor", "FP8");
  converter::EmitOptions options;
  options.max_batch = 1;
  options.max_seq = 8;
  CHECK_THROWS_WITH(converter::build_model_buffer(graph, options),
                    doctest::Contains("'precision_floor' is 'FP8', not a name minirt.fbs defines"));
}

TEST_CASE("minirt-convert --min-cosine keeps ops until the floor holds and says which") {
  if (!test::precision_runs_here(Precision::kInt8)) return;
  const std::string out = std::string(MINIRT_BINARY_DIR) + "/precision_floor_kept.fb";
  const std::string convert = test::bin("minirt-convert") + " --hf " + kTiny + " -o " + out +
                              " --verify " + kTiny + "/refs --min-cosine ";
  const auto kept = test::run_command(convert + "0.999999");
  INFO(kept.output);
  CHECK(kept.exit_code == 0);
  CHECK(kept.output.find("keeping ") != std::string::npos);
  CHECK(kept.output.find("with it alone in fp32") != std::string::npos);
  // minirt info marks the kept MatMuls.
  const auto info = test::run_command(test::bin("minirt") + " info " + out);
  CHECK(info.output.find("MatMul[") != std::string::npos);
  CHECK((info.output.find("[at most bf16]") != std::string::npos ||
         info.output.find("[fp32]") != std::string::npos));
  // The file holds what was reported: its int8 run meets the floor.
  const auto run = test::run_command(test::bin("minirt") + " run " + out + " --refs " + kTiny +
                                     "/refs --precision int8 --tol 1 --min-cosine 0.999999");
  INFO(run.output);
  CHECK(run.exit_code == 0);
  // A floor int8 already holds keeps nothing.
  const auto loose = test::run_command(convert + "0.9");
  CHECK(loose.exit_code == 0);
  CHECK(loose.output.find("nothing kept") != std::string::npos);
}

}  // namespace
}  // namespace minirt
