// QDQ import on a small synthetic graph: the converter folds per-tensor
// QuantizeLinear -> DequantizeLinear pairs (symmetric int8 and asymmetric
// uint8, one pair shared by two MatMuls) into fused MatMuls' static input
// scales and int8 weight DequantizeLinears into float weights; a per-axis
// pair and a pair no MatMul reads run as generic QuantizeLinear and
// DequantizeLinear ops. Each output is checked in fp32 and int8 sessions
// against an oracle of the ONNX graph computed here, and symmetric
// per-channel weights are checked to requantize to the stored s8 values.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "converter/emit/model_writer.h"
#include "converter/import/onnx/onnx_pipeline.h"
#include "converter/ir/input_quantization.h"
#include "converter/ir/op_types.h"
#include "converter/passes/passes.h"
#include "ops/ref/int8.h"
#include "tests/e2e/precision_support.h"
#include "tests/unit/onnx_graph_builder.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

constexpr int64_t kVocab = 20, kIn = 8, kOut = 6, kBatch = 2, kSeq = 5;

using Matrix = std::vector<double>;  // row-major

// ONNX QuantizeLinear then DequantizeLinear of one value, in float as ONNX
// computes them.
float fake_quant(float x, float scale, int zero, int lo, int hi) {
  const float level = std::clamp(std::nearbyint(x / scale) + static_cast<float>(zero),
                                 static_cast<float>(lo), static_cast<float>(hi));
  return (level - static_cast<float>(zero)) * scale;
}

// An int8 or uint8 weight [kIn, kOut] with its scales (one, or one per
// output column) and zero point.
struct QuantWeight {
  int32_t type;  // TensorProto::kInt8 or kUInt8
  std::vector<int> levels;
  std::vector<float> scales;
  int zero = 0;
  float scale_of(int64_t col) const { return scales.size() == 1 ? scales[0] : scales[col]; }
  // DequantizeLinear's float weight, [kIn, kOut].
  std::vector<float> dequantized() const {
    std::vector<float> w(levels.size());
    for (int64_t k = 0; k < kIn; ++k)
      for (int64_t n = 0; n < kOut; ++n)
        w[k * kOut + n] = static_cast<float>(levels[k * kOut + n] - zero) * scale_of(n);
    return w;
  }
};

struct Fixture {
  std::vector<float> table;  // [kVocab, kIn]
  QuantWeight w1, w2, w3;    // per-channel symmetric, per-tensor symmetric, asymmetric
  std::vector<float> w4;     // float
  std::vector<float> bias[4];
  std::vector<float> axis_scales;  // pair C, per feature
};

Fixture make_fixture() {
  std::mt19937 rng(20261201);
  Fixture f;
  f.table = random_floats(rng, kVocab * kIn, -2.0f, 2.0f);
  auto levels = [&](int lo, int hi) {
    std::vector<int> out;
    for (int64_t v : random_ints(rng, kIn * kOut, lo, hi)) out.push_back(static_cast<int>(v));
    return out;
  };
  f.w1 = {TensorProto::kInt8, levels(-127, 127), random_floats(rng, kOut, 0.005f, 0.02f), 0};
  for (int64_t n = 0; n < kOut; ++n) f.w1.levels[(n % kIn) * kOut + n] = n % 2 ? 127 : -127;
  f.w2 = {TensorProto::kInt8, levels(-100, 100), {0.011f}, 0};
  f.w3 = {TensorProto::kUInt8, levels(0, 255), {0.004f}, 120};
  f.w4 = random_floats(rng, kIn * kOut, -0.3f, 0.3f);
  for (auto& b : f.bias) b = random_floats(rng, kOut, -1.0f, 1.0f);
  f.axis_scales = random_floats(rng, kIn, 0.01f, 0.03f);
  return f;
}

constexpr float kScaleA = 2.0f / 127.0f, kScaleB = 0.03f, kScaleD = 0.05f;
constexpr int kZeroB = 100, kZeroD = 128;

// input_ids -> h = table[ids]; outputs y1..y4 and u:
//   y1 = DQ(Q(h, A)) x DQ(w1) + b1     A: int8 symmetric, shared with y2
//   y2 = DQ(Q(h, A)) x DQ(w2) + b2
//   y3 = DQ(Q(h, B)) x DQ(w3) + b3     B: uint8 asymmetric
//   y4 = DQ(Q(h, C)) x w4 + b4         C: per axis (not folded)
//   u  = DQ(Q(h, D)) + 0.5             D: no MatMul reads it
std::filesystem::path write_model(const Fixture& f) {
  OnnxGraphBuilder b(13);
  b.input("input_ids");
  const std::string h =
      b.node("Gather", {b.initializer(f32_tensor({kVocab, kIn}, f.table)), "input_ids"});
  auto pair = [&](const std::string& scale, const std::string& zero,
                  const std::vector<Bytes>& attrs = {}) {
    return b.node("DequantizeLinear",
                  {b.node("QuantizeLinear", {h, scale, zero}, attrs), scale, zero}, attrs);
  };
  auto weight = [&](const QuantWeight& w, bool zero_point) {
    const OnnxTensor levels{w.type, {kIn, kOut}, {w.levels.begin(), w.levels.end()}};
    const OnnxTensor scales =
        w.scales.size() == 1 ? f32_scalar(w.scales[0]) : f32_tensor({kOut}, w.scales);
    std::vector<std::string> in = {b.initializer(levels), b.initializer(scales)};
    if (zero_point) {
      in.push_back(b.initializer(
          w.scales.size() == 1 ? OnnxTensor{w.type, {}, {double(w.zero)}}
                               : OnnxTensor{w.type, {kOut}, std::vector<double>(kOut, w.zero)}));
    }
    return b.node("DequantizeLinear", in, {int_attr("axis", 1)});
  };
  auto linear = [&](const std::string& x, const std::string& w, const std::vector<float>& bias,
                    const char* name) {
    b.rename(b.node("Add", {b.node("MatMul", {x, w}), b.initializer(f32_tensor({kOut}, bias))}),
             name);
    b.output(name);
  };
  const std::string a = pair(b.initializer(f32_scalar(kScaleA)),
                             b.initializer(OnnxTensor{TensorProto::kInt8, {}, {0}}));
  linear(a, weight(f.w1, true), f.bias[0], "y1");
  linear(a, weight(f.w2, false), f.bias[1], "y2");
  const std::string bq = pair(b.initializer(f32_scalar(kScaleB)),
                              b.initializer(OnnxTensor{TensorProto::kUInt8, {}, {kZeroB}}));
  linear(bq, weight(f.w3, true), f.bias[2], "y3");
  const std::string c =
      pair(b.initializer(f32_tensor({kIn}, f.axis_scales)),
           b.initializer(OnnxTensor{TensorProto::kInt8, {kIn}, std::vector<double>(kIn, 0.0)}),
           {int_attr("axis", 2)});
  linear(c, b.initializer(f32_tensor({kIn, kOut}, f.w4)), f.bias[3], "y4");
  const std::string d = pair(b.initializer(f32_scalar(kScaleD)),
                             b.initializer(OnnxTensor{TensorProto::kUInt8, {}, {kZeroD}}));
  b.rename(b.node("Add", {d, b.initializer(f32_scalar(0.5))}), "u");
  b.output("u");
  const auto path = std::filesystem::path(MINIRT_BINARY_DIR) / "qdq_synthetic.onnx";
  b.write(path, false);
  return path;
}

std::vector<int64_t> input_ids() {
  std::vector<int64_t> ids(kBatch * kSeq);
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int64_t>((i * 7 + 3) % kVocab);
  return ids;
}

// x [rows, kIn] (already as the MatMul sees it) times w [kIn, kOut] + bias, in double.
Matrix linear_ref(const std::vector<float>& x, const std::vector<float>& w,
                  const std::vector<float>& bias) {
  const int64_t rows = static_cast<int64_t>(x.size()) / kIn;
  Matrix y(static_cast<size_t>(rows * kOut));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t n = 0; n < kOut; ++n) {
      double sum = bias[n];
      for (int64_t k = 0; k < kIn; ++k) sum += double(x[r * kIn + k]) * w[k * kOut + n];
      y[r * kOut + n] = sum;
    }
  return y;
}

// What an int8 session multiplies: x's rows quantized with q (or each row's
// range), w requantized per output column by ops/ref/int8.h's rule.
std::vector<float> int8_input(std::vector<float> x, const std::optional<StaticQuantization>& q) {
  for (size_t r = 0; r < x.size() / kIn; ++r) {
    float* row = x.data() + r * kIn;
    const ref::RowQuantization rq = q ? ref::static_row_quantization(*q)
                                      : ref::row_quantization(*std::min_element(row, row + kIn),
                                                              *std::max_element(row, row + kIn));
    for (int64_t k = 0; k < kIn; ++k)
      row[k] = (ref::quantize_u8(row[k], rq) - rq.zero_point) * rq.scale;
  }
  return x;
}
std::vector<float> int8_weight(std::vector<float> w) {
  for (int64_t n = 0; n < kOut; ++n) {
    float max_abs = 0.0f;
    for (int64_t k = 0; k < kIn; ++k) max_abs = std::max(max_abs, std::fabs(w[k * kOut + n]));
    const float scale = ref::column_scale(max_abs);
    for (int64_t k = 0; k < kIn; ++k)
      w[k * kOut + n] = ref::quantize_s8(w[k * kOut + n], scale) * scale;
  }
  return w;
}

std::map<std::string, std::vector<float>> run(const std::shared_ptr<const Model>& model,
                                              Precision precision) {
  Session session(model, {.threads = 2, .precision = precision});
  std::vector<int64_t> ids = input_ids();
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids.data(), {kBatch, kSeq});
  std::map<std::string, std::vector<float>> out;
  for (const OutputView& o : session.run(inputs)) out[o.name].assign(o.data, o.data + o.numel());
  return out;
}

const ir::Op& op_writing(const ir::Graph& g, const std::string& value) {
  for (const ir::Op& op : g.ops)
    for (int id : op.outputs)
      if (g.values[id].name == value) return op;
  FAIL("no op writes " << value);
  return g.ops[0];
}

TEST_CASE("qdq import: pairs fold into static input scales, the rest runs generic") {
  const Fixture f = make_fixture();
  const auto conversion = converter::onnx::convert_onnx(write_model(f));
  const ir::Graph& g = conversion.graph;

  // Four fused MatMuls; the per-axis pair and the unread one stay generic.
  int matmuls = 0, quantize = 0, dequantize = 0;
  for (const ir::Op& op : g.ops) {
    matmuls += op.type == ir::op_name(fb::OpParams::MatMul);
    quantize += op.type == ir::op_name(fb::OpParams::QuantizeLinear);
    dequantize += op.type == ir::op_name(fb::OpParams::DequantizeLinear);
  }
  CHECK(matmuls == 4);
  CHECK(quantize == 2);
  CHECK(dequantize == 2);
  auto quantization = [&](const char* out) { return ir::input_quantization(op_writing(g, out)); };
  REQUIRE(quantization("y1"));
  CHECK(quantization("y1")->scale == kScaleA);
  CHECK(quantization("y1")->zero_point == 128);  // int8 zero point 0 as u8
  CHECK(quantization("y2")->scale == kScaleA);   // the shared pair
  REQUIRE(quantization("y3"));
  CHECK(quantization("y3")->scale == kScaleB);
  CHECK(quantization("y3")->zero_point == kZeroB);
  CHECK_FALSE(quantization("y4"));

  // --explain's int8 lines: static or per row and why, weights as stored or not.
  std::string report;
  for (const std::string& line : conversion.int8) report += line + "\n";
  INFO(report);
  auto line_of = [&](const char* out) {
    for (const std::string& line : conversion.int8)
      if (line.find("'" + op_writing(g, out).name + "'") != std::string::npos) return line;
    return std::string();
  };
  CHECK(line_of("y1").find("static input scale 0.015748 zero point 128") != std::string::npos);
  CHECK(line_of("y1").find("s8 weights as stored") != std::string::npos);
  CHECK(line_of("y2").find("weights requantized per column") != std::string::npos);
  CHECK(line_of("y3").find("zero point 100") != std::string::npos);
  CHECK(line_of("y3").find("weights requantized per column") != std::string::npos);
  CHECK(line_of("y4").find("per-row input scales at run time: the pair") != std::string::npos);
  CHECK(line_of("y4").find("is not per tensor") != std::string::npos);

  // Symmetric per-channel weights: requantized per column at load, they give
  // the stored s8 levels exactly, and the scales to within one float rounding.
  const ir::Op& dense = op_writing(g, "y1");
  const std::vector<float> w = converter::passes::weight_floats(g, dense.inputs[1]);  // [kOut, kIn]
  int exact_scales = 0;
  for (int64_t n = 0; n < kOut; ++n) {
    float max_abs = 0.0f;
    for (int64_t k = 0; k < kIn; ++k) max_abs = std::max(max_abs, std::fabs(w[n * kIn + k]));
    const float scale = ref::column_scale(max_abs);
    CHECK(std::fabs(scale - f.w1.scales[n]) <=
          std::nextafter(f.w1.scales[n], 1.0f) - f.w1.scales[n]);
    exact_scales += scale == f.w1.scales[n];
    for (int64_t k = 0; k < kIn; ++k)
      CHECK(ref::quantize_s8(w[n * kIn + k], scale) == f.w1.levels[k * kOut + n]);
  }
  MESSAGE(exact_scales << " of " << kOut << " column scales bit-identical, the rest one ulp apart");

  converter::EmitOptions options;
  options.max_batch = kBatch;
  options.max_seq = kSeq;
  const auto bytes = converter::build_model_buffer(g, options);
  const auto model = Model::load_from_memory({bytes.data(), bytes.size()}, "qdq synthetic");

  // The oracle: h, each pair's float values, each weight's.
  std::vector<float> h;
  for (int64_t id : input_ids())
    h.insert(h.end(), f.table.begin() + id * kIn, f.table.begin() + (id + 1) * kIn);
  std::vector<float> a = h, bq = h, c = h, d = h;
  for (size_t i = 0; i < h.size(); ++i) {
    a[i] = fake_quant(h[i], kScaleA, 0, -128, 127);
    bq[i] = fake_quant(h[i], kScaleB, kZeroB, 0, 255);
    c[i] = fake_quant(h[i], f.axis_scales[i % kIn], 0, -128, 127);
    d[i] = fake_quant(h[i], kScaleD, kZeroD, 0, 255) + 0.5f;
  }
  const std::vector<float> w1 = f.w1.dequantized(), w2 = f.w2.dequantized(),
                           w3 = f.w3.dequantized();

  // fp32 ignores the static scales (the float model with QDQ weights); the
  // generic pairs run as ONNX defines them.
  auto fp32 = run(model, Precision::kFloat32);
  check_close(fp32["y1"], linear_ref(h, w1, f.bias[0]), 1e-5);
  check_close(fp32["y2"], linear_ref(h, w2, f.bias[1]), 1e-5);
  check_close(fp32["y3"], linear_ref(h, w3, f.bias[2]), 1e-5);
  check_close(fp32["y4"], linear_ref(c, f.w4, f.bias[3]), 1e-5);
  check_close(fp32["u"], Matrix(d.begin(), d.end()), 0.0);
  if (!precision_runs_here(Precision::kInt8)) return;

  // int8: the QDQ model's own arithmetic where weights are as stored (y1),
  // else its activations with the weights requantized; y4 per row.
  auto int8 = run(model, Precision::kInt8);
  check_close(int8["y1"], linear_ref(a, w1, f.bias[0]), 1e-5);
  check_close(int8["y2"], linear_ref(a, int8_weight(w2), f.bias[1]), 1e-5);
  check_close(int8["y3"], linear_ref(bq, int8_weight(w3), f.bias[2]), 1e-5);
  check_close(int8["y4"], linear_ref(int8_input(c, std::nullopt), int8_weight(f.w4), f.bias[3]),
              1e-5);
  check_close(int8["u"], Matrix(d.begin(), d.end()), 0.0);
  // The static scale is what ran: per-row scales would differ.
  const Matrix dynamic = linear_ref(int8_input(h, std::nullopt), int8_weight(w1), f.bias[0]);
  CHECK(max_abs_diff(int8["y1"], dynamic) > 1e-3);
}

}  // namespace
}  // namespace minirt::test
