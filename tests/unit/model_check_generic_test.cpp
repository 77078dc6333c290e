// The loader's rules for the generic ops, each broken once on a one-op
// model built by hand (tiny_model_writer.h); the message must name it.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "format/dtype_info.h"
#include "minirt/minirt.h"
#include "tests/unit/tiny_model_writer.h"

namespace minirt {
namespace {

using test::batch_dim;
using test::dim;
using test::ModelSpec;
using test::seq_dim;
using test::SpecOp;
using Dims = std::vector<fb::Dim>;
using Op = fb::OpParams;
using Fn = fb::ElementwiseFn;

struct In {
  fb::DType dtype;
  Dims shape;
  bool graph_input = false;
};
In f32(Dims shape) { return {fb::DType::F32, std::move(shape)}; }
In i64(Dims shape) { return {fb::DType::I64, std::move(shape)}; }
In u8(Dims shape) { return {fb::DType::U8, std::move(shape)}; }
// The graph input input_ids, i64 [B,S]: the one input with symbolic dims.
const In kIds{fb::DType::I64, {batch_dim(), seq_dim()}, true};

// A model of `op` alone: its inputs weights named w0, w1... (or input_ids
// for kIds), its output "y"; y is the graph output, or an Elementwise Cast
// of it to f32 when y is not f32 (graph outputs are f32).
ModelSpec one_op(SpecOp op, const std::vector<In>& inputs, In y) {
  ModelSpec m;
  op.name = "op";
  for (const In& in : inputs) {
    op.inputs.push_back(static_cast<int32_t>(m.values.size()));
    if (in.graph_input) {
      m.inputs.push_back(static_cast<int32_t>(m.values.size()));
      m.values.push_back({"input_ids", in.dtype, in.shape, fb::ValueKind::Input, 0});
      continue;
    }
    int64_t count = 1;
    for (const fb::Dim& d : in.shape) count *= d.factor();
    m.buffers.emplace_back(static_cast<size_t>(count) * dtype_size(in.dtype));
    const std::string name = std::string("w").append(std::to_string(op.inputs.size() - 1));
    m.values.push_back({name, in.dtype, in.shape, fb::ValueKind::Weight,
                        static_cast<uint32_t>(m.buffers.size() - 1)});
  }
  const auto y_index = static_cast<int32_t>(m.values.size());
  const bool cast = y.dtype != fb::DType::F32;
  m.values.push_back(
      {"y", y.dtype, y.shape, cast ? fb::ValueKind::Intermediate : fb::ValueKind::Output, 0});
  op.outputs = {y_index};
  m.ops.push_back(op);
  m.outputs = {y_index};
  if (cast) {
    m.values.push_back({"out", fb::DType::F32, y.shape, fb::ValueKind::Output, 0});
    SpecOp to_f32{.name = "cast", .type = Op::Elementwise, .fn = Fn::Cast};
    to_f32.inputs = {y_index};
    to_f32.outputs = {y_index + 1};
    m.ops.push_back(to_f32);
    m.outputs = {y_index + 1};
  }
  return m;
}

std::string load_error(const std::vector<uint8_t>& bytes) {
  try {
    Model::load_from_memory(bytes, "generic");
  } catch (const Error& e) {
    return e.what();
  }
  return "(loaded)";
}

std::string load_error(const ModelSpec& spec) { return load_error(test::serialize(spec)); }

struct Case {
  const char* what;
  ModelSpec spec;
  const char* message;
};

void check_cases(const char* kind, const std::vector<Case>& cases) {
  const std::string prefix = std::string("invalid model 'generic': op 0 'op' (") + kind + "): ";
  for (const Case& c : cases) {
    const std::string what = c.what;
    CAPTURE(what);
    const std::string message = load_error(c.spec);
    CAPTURE(message);
    CHECK(message.find(prefix + c.message) != std::string::npos);
  }
}

SpecOp elementwise(Fn fn) { return {.type = Op::Elementwise, .fn = fn}; }

TEST_CASE("generic check: the one-op models are valid as built") {
  // Each case below breaks one of these one way.
  CHECK(load_error(one_op(elementwise(Fn::Add), {f32({dim(2), dim(4)}), f32({dim(4)})},
                          f32({dim(2), dim(4)}))) == "(loaded)");
  CHECK(load_error(one_op(elementwise(Fn::Less), {i64({dim(4)}), i64({dim(4)})}, u8({dim(4)}))) ==
        "(loaded)");
  CHECK(load_error(one_op({.type = Op::Slice, .dims = {dim(0), dim(0)}, .steps = {1, 2}}, {kIds},
                          i64({batch_dim(), dim(1)}))) == "(loaded)");
  CHECK(load_error(one_op({.type = Op::Reshape}, {kIds},
                          i64({fb::Dim(1, fb::DimSymbol::BATCH | fb::DimSymbol::SEQ)}))) ==
        "(loaded)");
}

TEST_CASE("generic check: a Slice steps vector moved off its 8-byte alignment is refused") {
  // As for a value's shape (model_check_test): the verifier accepts the vector
  // (it checks the 4-byte length field) while its int64 steps are misaligned
  // (fuzz_model_load found the read, undefined behaviour).
  std::vector<uint8_t> bytes =
      test::serialize(one_op({.type = Op::Slice, .dims = {dim(0), dim(0)}, .steps = {1, 2}}, {kIds},
                             i64({batch_dim(), dim(1)})));
  const fb::Slice* slice = fb::GetModel(bytes.data())->ops()->Get(0)->params_as_Slice();
  // fb::Slice derives from flatbuffers::Table privately, at the same address.
  const auto field = reinterpret_cast<const flatbuffers::Table*>(slice)->GetOptionalFieldOffset(
      fb::Slice::VT_STEPS);
  REQUIRE(field != 0);
  auto* offset = reinterpret_cast<uint32_t*>(
      const_cast<uint8_t*>(reinterpret_cast<const uint8_t*>(slice)) + field);
  *offset += 4;
  CHECK(load_error(bytes).find("the steps vector starts misaligned (corrupt file)") !=
        std::string::npos);
}

TEST_CASE("generic check: Elementwise") {
  const In v4 = f32({dim(4)});
  check_cases(
      "Elementwise",
      {
          {"unknown fn", one_op(elementwise(static_cast<Fn>(60)), {v4, v4}, v4),
           "unknown element-wise fn 60"},
          {"arity", one_op(elementwise(Fn::Add), {v4}, v4),
           "has 1 inputs and 1 outputs, expected 2 and 1"},
          {"absent input",
           [&] {
             ModelSpec m = one_op(elementwise(Fn::Add), {v4, v4}, v4);
             m.ops[0].inputs[1] = -1;
             return m;
           }(),
           "input 1 is required but absent"},
          {"broadcast", one_op(elementwise(Fn::Add), {f32({dim(3)}), v4}, v4),
           "'w1' [4] does not broadcast"},
          {"output shape", one_op(elementwise(Fn::Mul), {v4, v4}, f32({dim(2), dim(4)})),
           "'y' has shape [2,4], expected [4]"},
          {"cast from i32", one_op(elementwise(Fn::Cast), {In{fb::DType::I32, {dim(4)}}}, v4),
           "'w0' may not be i32"},
          {"cast to i32", one_op(elementwise(Fn::Cast), {v4}, In{fb::DType::I32, {dim(4)}}),
           "'y' may not be i32"},
          {"where condition", one_op(elementwise(Fn::Where), {v4, v4, v4}, v4),
           "'w0' may not be f32"},
          {"where branches", one_op(elementwise(Fn::Where), {u8({dim(4)}), v4, i64({dim(4)})}, v4),
           "'w2' and 'y' differ in dtype"},
          {"where output", one_op(elementwise(Fn::Where), {u8({dim(4)}), v4, v4}, u8({dim(4)})),
           "'w1' and 'y' differ in dtype"},
          {"operand dtypes", one_op(elementwise(Fn::Sub), {v4, i64({dim(4)})}, v4),
           "'w0' and 'w1' differ in dtype"},
          {"comparison output", one_op(elementwise(Fn::Less), {v4, v4}, v4), "'y' may not be f32"},
          {"comparison input",
           one_op(elementwise(Fn::Equal),
                  {In{fb::DType::I32, {dim(4)}}, In{fb::DType::I32, {dim(4)}}}, u8({dim(4)})),
           "'w0' may not be i32"},
          {"logic on f32", one_op(elementwise(Fn::And), {v4, v4}, u8({dim(4)})),
           "'w0' may not be f32"},
          {"logic output", one_op(elementwise(Fn::Not), {u8({dim(4)})}, v4), "'y' may not be f32"},
          {"arithmetic on u8",
           one_op(elementwise(Fn::Max), {u8({dim(4)}), u8({dim(4)})}, u8({dim(4)})),
           "'w0' may not be u8"},
          {"float fn on i64", one_op(elementwise(Fn::Sqrt), {i64({dim(4)})}, i64({dim(4)})),
           "'w0' may not be i64"},
          {"output dtype", one_op(elementwise(Fn::Neg), {v4}, i64({dim(4)})),
           "'w0' and 'y' differ in dtype"},
      });
}

TEST_CASE("generic check: GenericMatMul and Gemm") {
  const SpecOp matmul{.type = Op::GenericMatMul};
  check_cases(
      "GenericMatMul",
      {
          {"rank 0", one_op(matmul, {f32({}), f32({dim(4)})}, f32({})),
           "operands must have rank 1 or more"},
          {"K",
           one_op(matmul, {f32({dim(2), dim(3)}), f32({dim(4), dim(5)})}, f32({dim(2), dim(5)})),
           "operands differ in K: [2,3] and [4,5]"},
          {"batch",
           one_op(matmul, {f32({dim(2), dim(3), dim(4)}), f32({dim(3), dim(4), dim(5)})},
                  f32({dim(2), dim(3), dim(5)})),
           "batch dims do not broadcast"},
          {"output",
           one_op(matmul, {f32({dim(4)}), f32({dim(3), dim(4), dim(5)})}, f32({dim(3), dim(4)})),
           "'y' has shape [3,4], expected [3,5]"},
          {"dtype", one_op(matmul, {i64({dim(4)}), i64({dim(4)})}, f32({})), "'w0' may not be i64"},
      });
  const SpecOp gemm{.type = Op::Gemm};
  const In a = f32({dim(2), dim(3)}), b = f32({dim(3), dim(5)}), y = f32({dim(2), dim(5)});
  check_cases(
      "Gemm",
      {
          {"inputs", one_op(gemm, {a, b}, y), "needs inputs a, b and c (c may be absent)"},
          {"rank", one_op(gemm, {f32({dim(3)}), b, f32({dim(5)})}, y), "operands must be 2-D"},
          {"K", one_op(gemm, {a, f32({dim(4), dim(5)}), f32({dim(5)})}, y), "operands differ in K"},
          {"trans_b", one_op({.type = Op::Gemm, .trans_b = true}, {a, b, f32({dim(3)})}, y),
           "operands differ in K"},
          {"trans_a output",
           one_op({.type = Op::Gemm, .trans_a = true}, {f32({dim(3), dim(2)}), b, f32({dim(5)})},
                  f32({dim(5), dim(2)})),
           "'y' has shape [5,2], expected [2,5]"},
          {"c", one_op(gemm, {a, b, f32({dim(3)})}, y), "c does not broadcast to the output"},
          {"outputs",
           [&] {
             ModelSpec m = one_op(gemm, {a, b, f32({dim(5)})}, y);
             m.ops[0].outputs.push_back(static_cast<int32_t>(m.values.size()));
             m.values.push_back({"z", fb::DType::F32, y.shape});
             return m;
           }(),
           "has 3 inputs and 2 outputs, expected 3 and 1"},
          {"c dtype", one_op(gemm, {a, b, i64({dim(5)})}, y), "'w2' may not be i64"},
          {"dtype", one_op(gemm, {a, b, f32({dim(5)})}, i64({dim(2), dim(5)})),
           "'y' may not be i64"},
      });
}

TEST_CASE("generic check: Softmax, LayerNormalization and ReduceMean") {
  const In x = f32({dim(2), dim(4)});
  check_cases("Softmax",
              {
                  {"axis", one_op({.type = Op::Softmax, .axis = 2}, {x}, x),
                   "axis 2 is out of range for rank 2"},
                  {"arity", one_op({.type = Op::Softmax, .axis = 1}, {x, x}, x),
                   "has 2 inputs and 1 outputs, expected 1 and 1"},
                  {"output", one_op({.type = Op::Softmax, .axis = 1}, {x}, f32({dim(4), dim(2)})),
                   "output 'y' has shape [4,2], expected [2,4]"},
                  {"dtype", one_op({.type = Op::Softmax}, {i64({dim(4)})}, f32({dim(4)})),
                   "'w0' may not be i64"},
              });
  const SpecOp ln{.type = Op::LayerNormalization, .epsilon = 1e-5f, .axis = 1};
  const In h = f32({dim(4)});
  check_cases(
      "LayerNormalization",
      {
          {"inputs", one_op(ln, {x}, x), "needs 2 or 3 inputs"},
          {"axis",
           one_op({.type = Op::LayerNormalization, .epsilon = 1e-5f, .axis = -1}, {x, h}, x),
           "axis -1 is out of range for rank 2"},
          {"scale", one_op(ln, {x, f32({dim(2)})}, x), "scale 'w1' has shape [2], expected [4]"},
          {"bias", one_op(ln, {x, h, f32({dim(3)})}, x), "bias 'w2' has shape [3], expected [4]"},
          {"output", one_op(ln, {x, h, h}, f32({dim(8)})),
           "output 'y' has shape [8], expected [2,4]"},
          {"epsilon",
           one_op({.type = Op::LayerNormalization,
                   .epsilon = std::numeric_limits<float>::quiet_NaN(),
                   .axis = 1},
                  {x, h}, x),
           "epsilon must be positive and finite, is nan"},
      });
  check_cases(
      "ReduceMean",
      {
          {"no axes", one_op({.type = Op::ReduceMean}, {x}, f32({dim(2)})), "needs axes"},
          {"unsorted", one_op({.type = Op::ReduceMean, .axes = {1, 0}}, {x}, f32({})),
           "axes must be sorted and distinct"},
          {"axis", one_op({.type = Op::ReduceMean, .axes = {2}}, {x}, f32({dim(2)})),
           "axis 2 is out of range for rank 2"},
          {"output", one_op({.type = Op::ReduceMean, .axes = {1}}, {x}, x),
           "output shape is not the reduced input's"},
          {"dtype", one_op({.type = Op::ReduceMean, .axes = {0}}, {i64({dim(4)})}, f32({dim(1)})),
           "'w0' may not be i64"},
      });
}

TEST_CASE("generic check: Reshape, Transpose, Gather and GatherND") {
  const In x = f32({dim(2), dim(4)});
  check_cases("Reshape",
              {
                  {"size", one_op({.type = Op::Reshape}, {x}, f32({dim(3)})),
                   "[2,4] and [3] hold different element counts at batch 1, seq 1"},
                  {"symbolic size", one_op({.type = Op::Reshape}, {kIds}, i64({seq_dim()})),
                   "[B,S] and [S] hold different element counts at batch 2, seq 1"},
                  {"dtype", one_op({.type = Op::Reshape}, {x}, i64({dim(8)})),
                   "'w0' and 'y' differ in dtype"},
              });
  check_cases(
      "Transpose",
      {
          {"perm size", one_op({.type = Op::Transpose, .axes = {0}}, {x}, x),
           "perm does not match the rank"},
          {"repeat", one_op({.type = Op::Transpose, .axes = {0, 0}}, {x}, x),
           "perm repeats axis 0"},
          {"range", one_op({.type = Op::Transpose, .axes = {0, 2}}, {x}, x),
           "axis 2 is out of range for rank 2"},
          {"output", one_op({.type = Op::Transpose, .axes = {1, 0}}, {x}, x),
           "'y' has shape [2,4], expected [4,2]"},
          {"dtype", one_op({.type = Op::Transpose, .axes = {1, 0}}, {x}, i64({dim(4), dim(2)})),
           "'w0' and 'y' differ in dtype"},
      });
  const In table = f32({dim(5), dim(4)}), ids = i64({dim(3)});
  check_cases("Gather",
              {
                  {"indices dtype",
                   one_op({.type = Op::Gather}, {table, f32({dim(3)})}, f32({dim(3), dim(4)})),
                   "'w1' may not be f32"},
                  {"axis", one_op({.type = Op::Gather, .axis = 2}, {table, ids}, table),
                   "axis 2 is out of range for rank 2"},
                  {"output", one_op({.type = Op::Gather}, {table, ids}, f32({dim(4), dim(3)})),
                   "'y' has shape [4,3], expected [3,4]"},
                  {"dtype", one_op({.type = Op::Gather}, {table, ids}, i64({dim(3), dim(4)})),
                   "'w0' and 'y' differ in dtype"},
                  {"arity", one_op({.type = Op::Gather}, {table}, table),
                   "has 1 inputs and 1 outputs, expected 2 and 1"},
              });
  check_cases(
      "GatherND",
      {
          {"indices", one_op({.type = Op::GatherND}, {table, i64({dim(2), dim(3)})}, f32({dim(2)})),
           "indices must end in a constant dim of at most the data's rank"},
          {"output", one_op({.type = Op::GatherND}, {table, i64({dim(3), dim(1)})}, f32({dim(3)})),
           "'y' has shape [3], expected [3,4]"},
      });
}

TEST_CASE("generic check: Slice, Concat and Expand") {
  const In x = f32({dim(4)});
  check_cases(
      "Slice",
      {
          {"entries",
           one_op({.type = Op::Slice, .dims = {dim(0)}, .steps = {1}}, {f32({dim(2), dim(4)})},
                  f32({dim(2), dim(4)})),
           "starts, steps and the output need one entry per input axis"},
          {"step 0", one_op({.type = Op::Slice, .dims = {dim(0)}, .steps = {0}}, {x}, x),
           "step 0 on axis 0"},
          {"past the end",
           one_op({.type = Op::Slice, .dims = {dim(2)}, .steps = {1}}, {x}, f32({dim(3)})),
           "axis 0 reads past the input at batch 1, seq 1"},
          {"before the start",
           one_op({.type = Op::Slice, .dims = {dim(1)}, .steps = {-1}}, {x}, f32({dim(3)})),
           "axis 0 reads past the input at batch 1, seq 1"},
          {"symbolic start",
           one_op({.type = Op::Slice, .dims = {dim(0), dim(1)}, .steps = {1, 1}}, {kIds},
                  i64({batch_dim(), seq_dim()})),
           "axis 1 reads past the input at batch 1, seq 1"},
          {"at max seq",
           one_op({.type = Op::Slice, .dims = {dim(0), dim(0)}, .steps = {1, 2}}, {kIds},
                  i64({batch_dim(), seq_dim()})),
           "axis 1 reads past the input at batch 1, seq 8"},
          {"step overflowing",  // 2 * (2^63 + 1) wraps to 2, inside [0, 4)
           one_op({.type = Op::Slice,
                   .dims = {dim(0)},
                   .steps = {std::numeric_limits<int64_t>::min() + 1}},
                  {x}, f32({dim(3)})),
           "axis 0 reads past the input at batch 1, seq 1 (the start or the step overflows)"},
          {"dtype", one_op({.type = Op::Slice, .dims = {dim(0)}, .steps = {1}}, {x}, i64({dim(4)})),
           "'w0' and 'y' differ in dtype"},
      });
  {
    // A constant graph at max batch and seq 2^30: a start of 2^34*B*S is
    // 2^34 at batch 1, seq 1 and wraps to 0 at the other corners, inside the
    // 2^35 input at all four, but 3 * 2^34 at batch 3.
    ModelSpec m;
    m.max_batch = m.max_seq = 1 << 30;
    m.buffers.push_back(std::vector<uint8_t>(4));
    m.values = {{"w0", fb::DType::F32, {dim(1)}, fb::ValueKind::Weight, 0},
                {"x", fb::DType::F32, {dim(int64_t{1} << 35)}, fb::ValueKind::Intermediate, 0},
                {"y", fb::DType::F32, {dim(1)}, fb::ValueKind::Output, 0}};
    m.ops = {{.name = "expand", .type = Op::Expand, .inputs = {0}, .outputs = {1}},
             {.name = "op",
              .type = Op::Slice,
              .inputs = {1},
              .outputs = {2},
              .dims = {fb::Dim(int64_t{1} << 34, fb::DimSymbol::BATCH | fb::DimSymbol::SEQ)},
              .steps = {1}}};
    m.outputs = {2};
    CHECK(load_error(m) ==
          "invalid model 'generic': op 1 'op' (Slice): axis 0 reads past the input at batch 1, "
          "seq 1073741824 (the start or the step overflows)");
  }
  const In a = f32({dim(2), dim(4)}), b = f32({dim(3), dim(4)}), y = f32({dim(5), dim(4)});
  check_cases(
      "Concat",
      {
          {"inputs", one_op({.type = Op::Concat}, {}, y), "needs inputs"},
          {"axis", one_op({.type = Op::Concat, .axis = 2}, {a, b}, y),
           "axis 2 is out of range for rank 2"},
          {"rank", one_op({.type = Op::Concat}, {a, f32({dim(4)})}, y), "'w1' differs in rank"},
          {"off the axis", one_op({.type = Op::Concat}, {a, f32({dim(3), dim(5)})}, y),
           "'w1' differs from the output off the axis"},
          {"sum", one_op({.type = Op::Concat}, {a, b}, f32({dim(6), dim(4)})),
           "the parts do not add up to the output"},
          {"dtype", one_op({.type = Op::Concat}, {a, i64({dim(3), dim(4)})}, y),
           "'w1' and 'y' differ in dtype"},
      });
  check_cases("Expand", {
                            {"broadcast",
                             one_op({.type = Op::Expand}, {f32({dim(3)})}, f32({dim(2), dim(4)})),
                             "'w0' [3] does not broadcast to [2,4]"},
                            {"dtype", one_op({.type = Op::Expand}, {x}, i64({dim(2), dim(4)})),
                             "'w0' and 'y' differ in dtype"},
                        });
}

TEST_CASE("generic check: Range and DimValues") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  check_cases(
      "Range",
      {
          {"start", one_op({.type = Op::Range, .start = nan}, {}, f32({dim(4)})),
           "start and delta must be finite"},
          {"delta", one_op({.type = Op::Range, .delta = inf}, {}, f32({dim(4)})),
           "start and delta must be finite"},
          {"rank", one_op({.type = Op::Range}, {}, f32({dim(2), dim(2)})), "output must be 1-D"},
          {"dtype", one_op({.type = Op::Range}, {}, u8({dim(4)})), "'y' may not be u8"},
          {"arity", one_op({.type = Op::Range}, {f32({dim(4)})}, f32({dim(4)})),
           "has 1 inputs and 1 outputs, expected 0 and 1"},
      });
  const SpecOp values{.type = Op::DimValues, .dims = {dim(3), seq_dim()}};
  check_cases(
      "DimValues",
      {
          {"dtype", one_op(values, {}, f32({dim(2)})), "'y' may not be f32"},
          {"symbolic shape", one_op(values, {}, i64({batch_dim()})),
           "output must have a constant shape"},
          {"count", one_op(values, {}, i64({dim(3)})), "needs one value per output element"},
          // 2^62 * S at max seq 8 (fuzz_model_load found the signed overflow when the op ran).
          {"value overflowing",
           one_op({.type = Op::DimValues, .dims = {fb::Dim(int64_t{1} << 62, fb::DimSymbol::SEQ)}},
                  {}, i64({dim(1)})),
           "value 4611686018427387904*S overflows at max_batch 2, max_seq 8"},
      });
}

TEST_CASE("generic check: QuantizeLinear and DequantizeLinear") {
  const In x = f32({dim(2), dim(4)}), levels = u8({dim(2), dim(4)});
  const In scales = f32({dim(4)}), zeros = u8({dim(4)});
  const SpecOp quantize{.type = Op::QuantizeLinear, .axis = 1};
  const SpecOp dequantize{.type = Op::DequantizeLinear, .axis = 1};
  CHECK(load_error(one_op(quantize, {x, scales, zeros}, levels)) == "(loaded)");
  CHECK(load_error(one_op(dequantize, {levels, f32({dim(1)}), u8({dim(1)})}, x)) == "(loaded)");
  check_cases(
      "QuantizeLinear",
      {
          {"src dtype", one_op(quantize, {i64({dim(2), dim(4)}), scales, zeros}, levels),
           "'w0' may not be i64"},
          {"level dtype", one_op(quantize, {x, scales, f32({dim(4)})}, x), "'y' may not be f32"},
          {"scale per axis", one_op(quantize, {x, f32({dim(3)}), u8({dim(3)})}, levels),
           "scale has 3 values for axis 1 of [2,4]"},
          {"axis", one_op({.type = Op::QuantizeLinear, .axis = 5}, {x, scales, zeros}, levels),
           "axis 5 is out of range for rank 2"},
          {"zero point dtype", one_op(quantize, {x, scales, i64({dim(4)})}, levels),
           "'w2' and 'y' differ in dtype"},
          {"zero point size", one_op(quantize, {x, scales, u8({dim(1)})}, levels),
           "zero point and scale differ in size"},
          {"shape", one_op(quantize, {x, scales, zeros}, u8({dim(4), dim(2)})),
           "'y' has shape [4,2], expected [2,4]"},
      });
  check_cases(
      "DequantizeLinear",
      {
          {"src dtype", one_op(dequantize, {x, scales, zeros}, x), "'w0' may not be f32"},
          {"dst dtype", one_op(dequantize, {levels, scales, zeros}, levels), "'y' may not be u8"},
          {"scale dtype", one_op(dequantize, {levels, u8({dim(4)}), zeros}, x),
           "'w1' may not be u8"},
      });
}

}  // namespace
}  // namespace minirt
