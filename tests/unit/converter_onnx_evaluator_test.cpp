// The converter's host evaluator on ops/ref's kernels: the quantization ops,
// ReduceMean over any axes and the integer dtypes, against hand-computed
// values; and int8/uint8/int32 tensors read, folded and probed end to end.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "converter/import/onnx/evaluator.h"
#include "converter/import/onnx/onnx_import.h"
#include "converter/import/onnx/onnx_pipeline.h"
#include "converter/import/onnx/probe_runs.h"
#include "converter/ir/input_quantization.h"
#include "converter/ir/op_types.h"
#include "converter/passes/passes.h"
#include "tests/unit/onnx_graph_builder.h"

namespace minirt::converter::onnx {
namespace {

namespace fs = std::filesystem;
using ir::DType;

template <typename T>
HostTensor tensor(DType dtype, std::vector<int64_t> dims, const std::vector<T>& values) {
  return HostTensor::computed(dtype, std::move(dims), [&](void* dst) {
    std::copy(values.begin(), values.end(), static_cast<T*>(dst));
  });
}

template <typename T>
std::vector<T> values_of(const HostTensor& t) {
  const T* data = t.data_as<T>();
  return std::vector<T>(data, data + t.count());
}

ir::Attributes attrs_of(std::initializer_list<std::pair<const char*, int64_t>> ints) {
  ir::Attributes attrs;
  for (const auto& [name, value] : ints) attrs.set(name, value);
  return attrs;
}

std::vector<HostTensor> eval(const std::string& op, const ir::Attributes& attrs,
                             const std::vector<const HostTensor*>& in) {
  return evaluate_onnx_op(op, attrs, in);
}

std::string eval_error(const std::string& op, const ir::Attributes& attrs,
                       const std::vector<const HostTensor*>& in) {
  try {
    eval(op, attrs, in);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST_CASE(
    "evaluator: QuantizeLinear per tensor and per axis; the output type follows the zero point") {
  const HostTensor x = tensor<float>(DType::kF32, {2, 3}, {1, 2, 4, -1, 5, 10});
  const HostTensor scale = tensor<float>(DType::kF32, {}, {2});
  // No zero point: uint8. x / 2 = .5, 1, 2, -.5, 2.5, 5 (ties to even).
  std::vector<HostTensor> out = eval("QuantizeLinear", {}, {&x, &scale});
  REQUIRE(out.size() == 1);
  CHECK(out[0].dtype == DType::kU8);
  CHECK(out[0].dims == std::vector<int64_t>{2, 3});
  CHECK(values_of<uint8_t>(out[0]) == std::vector<uint8_t>{0, 1, 2, 0, 2, 5});
  // An int8 zero point of -3: int8 output, shifted.
  const HostTensor zero = tensor<int8_t>(DType::kI8, {}, {-3});
  out = eval("QuantizeLinear", {}, {&x, &scale, &zero});
  CHECK(out[0].dtype == DType::kI8);
  CHECK(values_of<int8_t>(out[0]) == std::vector<int8_t>{-3, -2, -1, -3, -1, 2});
  // Per axis, the axis given negative: scales 1, 2, 4 and zero points 0, 10, 250 along -1.
  const HostTensor scales = tensor<float>(DType::kF32, {3}, {1, 2, 4});
  const HostTensor zeros = tensor<uint8_t>(DType::kU8, {3}, {0, 10, 250});
  out = eval("QuantizeLinear", attrs_of({{"axis", -1}}), {&x, &scales, &zeros});
  CHECK(values_of<uint8_t>(out[0]) == std::vector<uint8_t>{1, 11, 251, 0, 12, 252});
  // Default axis 1 gives the same.
  CHECK(values_of<uint8_t>(eval("QuantizeLinear", {}, {&x, &scales, &zeros})[0]) ==
        values_of<uint8_t>(out[0]));

  CHECK(eval_error("QuantizeLinear", attrs_of({{"axis", 0}}), {&x, &scales, &zeros}) ==
        "the scale has 3 values for axis 0 of [2,3]");
  CHECK(eval_error("QuantizeLinear", attrs_of({{"block_size", 2}}), {&x, &scale}) ==
        "blocked quantization is not supported");
  const HostTensor wide_zero = tensor<int32_t>(DType::kI32, {}, {0});
  CHECK(eval_error("QuantizeLinear", {}, {&x, &scale, &wide_zero}) ==
        "the zero point must be u8 or i8 (is i32)");
}

TEST_CASE("evaluator: Unsqueeze with a repeated axis is refused (it read past a buffer before)") {
  const HostTensor data = HostTensor::of_ints({1, 2}, {2});
  for (const std::vector<int64_t>& repeated : {std::vector<int64_t>{0, 0}, {1, -2}}) {
    const HostTensor axes = HostTensor::of_ints(repeated, {2});
    CHECK(eval_error("Unsqueeze", {}, {&data, &axes}).find("Unsqueeze axes repeat axis") == 0);
  }
}

// fuzz_onnx_import found each of these as undefined behaviour (a wrapped
// int64 product, a double cast outside int64) in the probe runs.
TEST_CASE("evaluator: shape values from the file that pass int64 or are NaN are refused") {
  const HostTensor data = HostTensor::of_ints({1, 2, 3, 4}, {4});
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  const HostTensor huge = HostTensor::of_ints({kMin, kMin, -1}, {3});
  CHECK(eval_error("Reshape", {}, {&data, &huge}).find("Reshape to [") == 0);
  const HostTensor wrapping = HostTensor::of_ints({int64_t{1} << 32, int64_t{1} << 32, -1}, {3});
  CHECK(eval_error("Reshape", {}, {&data, &wrapping}) ==
        "tensor of shape [4294967296,4294967296] has more elements than int64 holds");
  const HostTensor below = HostTensor::of_ints({-2, 2}, {2});
  CHECK(eval_error("Reshape", {}, {&data, &below}) == "Reshape to [-2,2]: a dim below -1");

  const HostTensor start = tensor<float>(DType::kF32, {}, {0});
  const HostTensor far = tensor<float>(DType::kF32, {}, {1e20f});
  const HostTensor one = tensor<float>(DType::kF32, {}, {1});
  CHECK(eval_error("Range", {}, {&start, &far, &one}).find("has too many elements") !=
        std::string::npos);
  const HostTensor nan = tensor<float>(DType::kF32, {}, {std::nanf("")});
  CHECK(eval_error("Range", {}, {&start, &nan, &one}).find("has too many elements") !=
        std::string::npos);
  CHECK(eval("Range", {}, {&start, &one, &one})[0].count() == 1);
  const HostTensor empty = tensor<float>(DType::kF32, {0}, {});
  CHECK(eval_error("Range", {}, {&empty, &one, &one}) ==
        "Range's start, limit and delta must be scalars; input 0 is [0]");
  CHECK_THROWS_WITH(empty.at(0), "element 0 of a [0] tensor is read, which it does not have");
  const HostTensor far_below = tensor<float>(DType::kF32, {}, {-1e20f});
  CHECK(eval("Range", {}, {&start, &far_below, &one})[0].count() == 0);

  const HostTensor nan_dims = tensor<float>(DType::kF32, {2}, {2, std::nanf("")});
  CHECK(eval_error("Reshape", {}, {&data, &nan_dims}) == "a NaN where an integer is needed");
}

TEST_CASE("evaluator: DequantizeLinear per tensor and per axis, int8, uint8 and int32") {
  const HostTensor x = tensor<uint8_t>(DType::kU8, {2, 2}, {0, 128, 255, 130});
  const HostTensor scale = tensor<float>(DType::kF32, {}, {0.5f});
  const HostTensor zero = tensor<uint8_t>(DType::kU8, {}, {128});
  std::vector<HostTensor> out = eval("DequantizeLinear", {}, {&x, &scale, &zero});
  CHECK(out[0].dtype == DType::kF32);
  CHECK(values_of<float>(out[0]) == std::vector<float>{-64, 0, 63.5f, 1});
  // Per axis 0 on int8: row scales 1 and 0.25, zero points -128 and 0.
  const HostTensor i8 = tensor<int8_t>(DType::kI8, {2, 2}, {-128, 127, -4, 3});
  const HostTensor row_scales = tensor<float>(DType::kF32, {2}, {1, 0.25f});
  const HostTensor row_zeros = tensor<int8_t>(DType::kI8, {2}, {-128, 0});
  out = eval("DequantizeLinear", attrs_of({{"axis", 0}}), {&i8, &row_scales, &row_zeros});
  CHECK(values_of<float>(out[0]) == std::vector<float>{0, 255, -1, 0.75f});
  // int32 without a zero point.
  const HostTensor i32 = tensor<int32_t>(DType::kI32, {3}, {-100000, 0, 7});
  out = eval("DequantizeLinear", {}, {&i32, &scale});
  CHECK(values_of<float>(out[0]) == std::vector<float>{-50000, 0, 3.5f});

  CHECK(eval_error("DequantizeLinear", {}, {&x, &scale, &row_zeros}) ==
        "the zero point and the input differ in element type");
  const HostTensor f = tensor<float>(DType::kF32, {1}, {1});
  CHECK(eval_error("DequantizeLinear", {}, {&f, &scale}) ==
        "the input must be u8 or i8 or i32 (is f32)");
}

TEST_CASE("evaluator: DynamicQuantizeLinear gives y, a scalar scale and a scalar zero point") {
  const HostTensor x = tensor<float>(DType::kF32, {2, 3}, {0, 2, -3, -2.5f, 1.34f, 0.5f});
  const std::vector<HostTensor> out = eval("DynamicQuantizeLinear", {}, {&x});
  REQUIRE(out.size() == 3);
  CHECK(out[0].dtype == DType::kU8);
  CHECK(out[0].dims == std::vector<int64_t>{2, 3});
  CHECK(values_of<uint8_t>(out[0]) == std::vector<uint8_t>{153, 255, 0, 26, 221, 179});
  CHECK(out[1].dtype == DType::kF32);
  CHECK(out[1].dims.empty());
  CHECK(values_of<float>(out[1]) == std::vector<float>{5.0f / 255});
  CHECK(out[2].dtype == DType::kU8);
  CHECK(out[2].dims.empty());
  CHECK(values_of<uint8_t>(out[2]) == std::vector<uint8_t>{153});
}

TEST_CASE("evaluator: MatMulInteger with zero points per tensor and per row, int32 out") {
  const HostTensor a = tensor<uint8_t>(DType::kU8, {2, 2}, {10, 20, 0, 255});
  const HostTensor b = tensor<int8_t>(DType::kI8, {2, 3}, {1, -1, 2, -128, 127, 0});
  // No zero points: plain products.
  std::vector<HostTensor> out = eval("MatMulInteger", {}, {&a, &b});
  CHECK(out[0].dtype == DType::kI32);
  CHECK(out[0].dims == std::vector<int64_t>{2, 3});
  CHECK(values_of<int32_t>(out[0]) ==
        std::vector<int32_t>{10 - 2560, -10 + 2540, 20, -32640, 32385, 0});
  // a's zero points per row (10, 255), b's per tensor (-128).
  const HostTensor a_zero = tensor<uint8_t>(DType::kU8, {2}, {10, 255});
  const HostTensor b_zero = tensor<int8_t>(DType::kI8, {}, {-128});
  out = eval("MatMulInteger", {}, {&a, &b, &a_zero, &b_zero});
  // a - a_zero = [[0,10],[-255,0]]; b + 128 = [[129,127,130],[0,255,128]].
  CHECK(values_of<int32_t>(out[0]) ==
        std::vector<int32_t>{0, 2550, 1280, -255 * 129, -255 * 127, -255 * 130});

  const HostTensor bad_zero = tensor<uint8_t>(DType::kU8, {3}, {0, 0, 0});
  CHECK(eval_error("MatMulInteger", {}, {&a, &b, &bad_zero}) ==
        "a_zero_point [3] is neither one value nor 2 (one per row)");
  const HostTensor f = tensor<float>(DType::kF32, {2, 2}, {0, 0, 0, 0});
  CHECK(eval_error("MatMulInteger", {}, {&f, &b}) == "A must be u8 or i8 (is f32)");
}

TEST_CASE("evaluator: ReduceMean over any axes, negative ones, with and without keepdims") {
  std::vector<float> values(24);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<float>(i);
  const HostTensor x = tensor<float>(DType::kF32, {2, 3, 4}, values);
  // Axes 0 and 2: the mean of x[:, j, :] is 4j + 1.5 + 6 = 4j + 7.5.
  ir::Attributes two_axes;
  two_axes.set("axes", std::vector<int64_t>{0, -1});
  std::vector<HostTensor> out = eval("ReduceMean", two_axes, {&x});
  CHECK(out[0].dims == std::vector<int64_t>{1, 3, 1});
  CHECK(values_of<float>(out[0]) == std::vector<float>{7.5f, 11.5f, 15.5f});
  two_axes.set("keepdims", int64_t{0});
  out = eval("ReduceMean", two_axes, {&x});
  CHECK(out[0].dims == std::vector<int64_t>{3});
  // Axes from input 1 (opset 18), negative: axes -3 and -2 leave [4].
  const HostTensor axes = HostTensor::of_ints({-3, -2}, {2});
  out = eval("ReduceMean", attrs_of({{"keepdims", 0}}), {&x, &axes});
  CHECK(out[0].dims == std::vector<int64_t>{4});
  CHECK(values_of<float>(out[0]) == std::vector<float>{10, 11, 12, 13});
  // No axes: all of them; with noop_with_empty_axes: x itself.
  out = eval("ReduceMean", attrs_of({{"keepdims", 0}}), {&x});
  CHECK(out[0].dims.empty());
  CHECK(values_of<float>(out[0]) == std::vector<float>{11.5f});
  out = eval("ReduceMean", attrs_of({{"noop_with_empty_axes", 1}}), {&x});
  CHECK(out[0].same_data(x));
}

TEST_CASE("evaluator: integer element-wise ops, casts and operand checks") {
  const HostTensor a = tensor<int32_t>(DType::kI32, {3}, {2147483647, -5, 7});
  const HostTensor b = tensor<int32_t>(DType::kI32, {1}, {1});
  CHECK(values_of<int32_t>(eval("Add", {}, {&a, &b})[0]) ==
        std::vector<int32_t>{-2147483647 - 1, -4, 8});  // int32 wraps
  CHECK(values_of<int32_t>(eval("Div", {}, {&a, &b})[0]) ==
        std::vector<int32_t>{2147483647, -5, 7});
  // The lowest int32 over -1, and negated, wraps to itself.
  const HostTensor lowest = tensor<int32_t>(DType::kI32, {1}, {-2147483647 - 1});
  const HostTensor minus_one = tensor<int32_t>(DType::kI32, {1}, {-1});
  CHECK(values_of<int32_t>(eval("Div", {}, {&lowest, &minus_one})[0]) ==
        std::vector<int32_t>{-2147483647 - 1});
  CHECK(values_of<int32_t>(eval("Neg", {}, {&lowest})[0]) == std::vector<int32_t>{-2147483647 - 1});
  const HostTensor f = tensor<float>(DType::kF32, {4}, {-2.7f, 2.7f, 0.0f, 0.4f});
  const std::vector<HostTensor> i8 = eval("Cast", attrs_of({{"to", 3}}), {&f});
  CHECK(i8[0].dtype == DType::kI8);
  CHECK(values_of<int8_t>(i8[0]) == std::vector<int8_t>{-2, 2, 0, 0});  // toward zero
  const std::vector<HostTensor> as_bool = eval("Cast", attrs_of({{"to", 9}}), {&f});
  CHECK(values_of<uint8_t>(as_bool[0]) == std::vector<uint8_t>{1, 1, 0, 1});
  const HostTensor u8 = tensor<uint8_t>(DType::kU8, {3}, {0, 2, 255});
  const std::vector<HostTensor> u8_bool = eval("Cast", attrs_of({{"to", 9}}), {&u8});
  CHECK(u8_bool[0].dtype == DType::kBool);
  CHECK(values_of<uint8_t>(u8_bool[0]) == std::vector<uint8_t>{0, 1, 1});
  // A uint8 tensor broadcast keeps its values (not read as bools).
  const HostTensor shape = HostTensor::of_ints({2, 3}, {2});
  CHECK(values_of<uint8_t>(eval("Expand", {}, {&u8, &shape})[0]) ==
        std::vector<uint8_t>{0, 2, 255, 0, 2, 255});

  const HostTensor i64 = HostTensor::of_ints({4}, {1});
  CHECK(eval_error("Sqrt", {}, {&i64}) == "the operand must be f32 (is i64)");
  CHECK(eval_error("Add", {}, {&a, &i64}) == "operands of different element types");
  CHECK(eval_error("Not", {}, {&u8}) == "the operand must be bool (is u8)");
  CHECK(eval_error("Cast", attrs_of({{"to", 2}}), {&f}) == "Cast to data type 2 is not supported");
}

// A model computing input_ids (as float) times a weight dequantized from int8.
fs::path write_dequantize_model(bool quantize_activation) {
  test::OnnxGraphBuilder b(17);
  b.input("input_ids");
  const std::string ids = b.node("Cast", {"input_ids"}, {test::int_attr("to", 1)});
  const std::string column = b.node("Unsqueeze", {ids, b.initializer(test::i64_vector({-1}))});
  std::string x = column;
  if (quantize_activation) {
    const std::string scale = b.initializer(test::f32_scalar(0.5));
    const std::string zero = b.initializer({TensorProto::kUInt8, {}, {128}});
    x = b.node("DequantizeLinear", {b.node("QuantizeLinear", {column, scale, zero}), scale, zero});
  }
  const std::string w = b.initializer({TensorProto::kInt8, {1, 3}, {-128, 5, 127}});
  const std::string scales = b.initializer(test::f32_tensor({3}, {0.5f, 1, 2}));
  const std::string zeros = b.initializer({TensorProto::kInt8, {3}, {0, -1, 1}});
  const std::string weight = b.node("DequantizeLinear", {w, scales, zeros});
  const std::string shift = b.initializer({TensorProto::kInt32, {3}, {-70000, 1, 2}});
  const std::string bias = b.node("Cast", {shift}, {test::int_attr("to", 1)});
  b.rename(b.node("Add", {b.node("MatMul", {x, weight}), bias}), "out");
  b.output("out");
  const fs::path path =
      fs::temp_directory_path() / ("minirt_dq_" + std::to_string(::getpid()) + "_" +
                                   std::to_string(quantize_activation) + ".onnx");
  b.write(path, false);
  return path;
}

const ir::Value* find_value(const ir::Graph& g, const std::string& name) {
  for (const ir::Value& v : g.values)
    if (v.name == name) return &v;
  return nullptr;
}

TEST_CASE("onnx reader: int8, uint8 and int32 initializers; DequantizeLinear folds into a weight") {
  const fs::path path = write_dequantize_model(false);
  const OnnxModel model = read_onnx_model(path);
  fs::remove(path);
  const ir::Graph imported = import_onnx(model);
  int int_weights = 0;
  for (const ir::Value& v : imported.values) {
    if (v.kind != ir::ValueKind::kWeight) continue;
    if (v.dtype == DType::kI8 && v.shape.size() == 2) {
      CHECK(std::vector<uint8_t>(v.data.bytes().begin(), v.data.bytes().end()) ==
            std::vector<uint8_t>{0x80, 5, 127});
      ++int_weights;
    }
    if (v.dtype == DType::kI32) {
      int32_t first = 0;
      std::memcpy(&first, v.data.bytes().data(), 4);
      CHECK(first == -70000);
      ++int_weights;
    }
  }
  CHECK(int_weights == 2);

  const OnnxConversion conversion = convert_onnx_model(model, {});
  // The dequantized weight [1,3]: (-128 - 0) * 0.5, (5 + 1) * 1, (127 - 1) * 2; the Cast
  // bias folds too, so only the MatMul and the Add run.
  bool found = false;
  for (const ir::Value& v : conversion.graph.values) {
    if (v.kind != ir::ValueKind::kWeight || v.dtype != DType::kF32 || v.data.size() != 12) continue;
    std::vector<float> w(3);
    std::memcpy(w.data(), v.data.bytes().data(), 12);
    if (w == std::vector<float>{-64, 6, 252}) found = true;
  }
  CHECK(found);
  CHECK(find_value(conversion.graph, "out") != nullptr);
}

TEST_CASE("onnx pipeline: QuantizeLinear on an activation probes; the pair folds into the MatMul") {
  const fs::path path = write_dequantize_model(true);
  const OnnxModel model = read_onnx_model(path);
  fs::remove(path);
  const ir::Graph g = import_onnx(model);
  const ProbeFacts facts = run_probes(g);
  // The probe's input_ids are all 0: quantized to the zero point 128, back to 0.
  for (const ir::Op& op : g.ops) {
    if (onnx_op_type(op) != "QuantizeLinear") continue;
    const HostTensor& q = facts.values[op.outputs[0]].at_probe[0];
    CHECK(q.dtype == DType::kU8);
    CHECK(q.dims == std::vector<int64_t>{2, 3, 1});
    CHECK(values_of<uint8_t>(q) == std::vector<uint8_t>(6, 128));
  }
  // The pair becomes the fused MatMul's static input scale (fold_qdq).
  const OnnxConversion conversion = convert_onnx_model(model, {});
  int matmuls = 0;
  for (const ir::Op& op : conversion.graph.ops) {
    CHECK(onnx_op_type(op).empty());
    CHECK(op.type != ir::op_name(fb::OpParams::QuantizeLinear));
    CHECK(op.type != ir::op_name(fb::OpParams::DequantizeLinear));
    if (op.type != ir::op_name(fb::OpParams::MatMul)) continue;
    ++matmuls;
    const std::optional<StaticQuantization> q = ir::input_quantization(op);
    REQUIRE(q);
    CHECK(q->scale == 0.5f);
    CHECK(q->zero_point == 128);
  }
  CHECK(matmuls == 1);
}

TEST_CASE("the shared QDQ model: int8 weights fold, the activations' Q/DQ pairs probe, then fold") {
  const fs::path path =
      fs::path(MINIRT_SOURCE_DIR) / "../shared/models/trained-l3-h256/model.qdq.onnx";
  if (!fs::exists(path)) {
    MESSAGE("skipped: " << path << " not found");
    return;
  }
  const OnnxModel model = read_onnx_model(path);
  ir::Graph g = import_onnx(model);
  const ProbeFacts facts = run_probes(g);
  auto count = [&g](std::string_view type, bool of_weight) {
    int n = 0;
    for (const ir::Op& op : g.ops) {
      n += onnx_op_type(op) == type &&
           (g.values[op.inputs[0]].kind == ir::ValueKind::kWeight) == of_weight;
    }
    return n;
  };
  const int weights_dequantized = count("DequantizeLinear", true);
  std::vector<std::string> log;
  passes::PassContext ctx{g, facts, log};
  passes::infer_shapes(ctx);
  passes::fold_constants(ctx);
  passes::remove_dead_ops(g);
  // The int8 weights' DequantizeLinear folded into f32 weights (those whose
  // probe data was small enough to keep); every activation's QuantizeLinear
  // -> DequantizeLinear pair remains.
  CHECK(count("DequantizeLinear", true) < weights_dequantized);
  CHECK(count("QuantizeLinear", false) > 0);
  CHECK(count("DequantizeLinear", false) == count("QuantizeLinear", false));
  // The whole pipeline folds every pair (tests/e2e/qdq_model_test runs it).
  for (const ir::Op& op : convert_onnx_model(model, {}).graph.ops)
    CHECK(op.type != ir::op_name(fb::OpParams::QuantizeLinear));
}

}  // namespace
}  // namespace minirt::converter::onnx
