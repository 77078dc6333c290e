// Builds small .fb files by hand, straight through FlatBuffers, so loader
// tests can write models the loader must refuse: every op kind, fused and
// generic, with its params.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "format/minirt_generated.h"
#include "ops/op_types.h"

namespace minirt::test {

struct SpecValue {
  std::string name{};
  fb::DType dtype = fb::DType::F32;
  std::vector<fb::Dim> shape;
  fb::ValueKind kind = fb::ValueKind::Intermediate;
  uint32_t buffer = 0;
  bool no_shape = false;  // no shape vector at all (a scalar has an empty one)
};

// An op and its params; each kind reads the fields minirt.fbs gives it.
struct SpecOp {
  std::string name{};
  fb::OpParams type = fb::OpParams::MatMul;
  float epsilon = 1e-12f;  // EmbedLayerNorm, AddLayerNorm, LayerNormalization
  std::vector<int32_t> inputs{}, outputs{};
  fb::Activation activation = fb::Activation::None;              // MatMul
  fb::PrecisionFloor precision_floor = fb::PrecisionFloor::Any;  // MatMul
  std::optional<StaticQuantization> input_quantization{};        // MatMul
  int32_t num_heads = 1, head_dim = 4;                           // Attention
  float scale = 0.5f;                                            // Attention
  fb::ElementwiseFn fn = fb::ElementwiseFn::Add;                 // Elementwise
  int32_t axis = 0;                                              // Softmax ... Concat
  std::vector<int32_t> axes{};                                   // ReduceMean axes, Transpose perm
  std::vector<fb::Dim> dims{};                                   // Slice starts, DimValues values
  std::vector<int64_t> steps{};                                  // Slice
  float alpha = 1.0f, beta = 1.0f;                               // Gemm
  bool trans_a = false, trans_b = false;                         // Gemm
  double start = 0.0, delta = 1.0;                               // Range
  bool no_params = false;  // the params type set, the table absent
};

struct ModelSpec {
  uint32_t version = 1;  // the oldest format: every test also shows old files load
  int32_t max_batch = 2, max_seq = 8;
  int32_t max_tokens = 0;  // version 2: the ragged token budget (0: absent)
  std::vector<SpecValue> values;
  std::vector<std::vector<uint8_t>> buffers;
  size_t buffer_alignment = 64;  // of each buffer's bytes in the file
  std::vector<SpecOp> ops;
  std::vector<int32_t> inputs, outputs;
};

inline fb::Dim dim(int64_t n) { return fb::Dim(n, fb::DimSymbol::NONE); }
inline fb::Dim batch_dim() { return fb::Dim(1, fb::DimSymbol::BATCH); }
inline fb::Dim seq_dim() { return fb::Dim(1, fb::DimSymbol::SEQ); }

// `count` floats of `value`, as buffer bytes.
inline std::vector<uint8_t> floats(size_t count, float value) {
  std::vector<uint8_t> bytes(count * sizeof(float));
  for (size_t i = 0; i < count; ++i) std::memcpy(&bytes[i * sizeof(float)], &value, sizeof value);
  return bytes;
}

// EmbedLayerNorm (vocab 10, hidden 4, 8 positions, 2 types) then a MatMul
// to 3 outputs with bias: a valid model every test mutates one way.
inline ModelSpec valid_spec() {
  ModelSpec m;
  const std::vector<fb::Dim> bs = {batch_dim(), seq_dim()};
  auto weight = [&](const std::string& name, std::vector<fb::Dim> shape, size_t count) {
    m.buffers.push_back(floats(count, 0.5f));
    m.values.push_back({name, fb::DType::F32, std::move(shape), fb::ValueKind::Weight,
                        static_cast<uint32_t>(m.buffers.size() - 1)});
  };
  m.values.push_back({"input_ids", fb::DType::I64, bs, fb::ValueKind::Input, 0});       // 0
  m.values.push_back({"token_type_ids", fb::DType::I64, bs, fb::ValueKind::Input, 0});  // 1
  m.values.push_back({"attention_mask", fb::DType::I64, bs, fb::ValueKind::Input, 0});  // 2
  weight("word", {dim(10), dim(4)}, 40);                                                // 3
  weight("position", {dim(8), dim(4)}, 32);                                             // 4
  weight("token_type", {dim(2), dim(4)}, 8);                                            // 5
  weight("gamma", {dim(4)}, 4);                                                         // 6
  weight("beta", {dim(4)}, 4);                                                          // 7
  m.values.push_back({"hidden",
                      fb::DType::F32,
                      {batch_dim(), seq_dim(), dim(4)},
                      fb::ValueKind::Intermediate,
                      0});                                                                // 8
  m.values.push_back({"mask_bias", fb::DType::F32, bs, fb::ValueKind::Intermediate, 0});  // 9
  weight("w", {dim(3), dim(4)}, 12);                                                      // 10
  weight("b", {dim(3)}, 3);                                                               // 11
  m.values.push_back(
      {"out", fb::DType::F32, {batch_dim(), seq_dim(), dim(3)}, fb::ValueKind::Output, 0});  // 12
  m.ops.push_back(
      {"embed", fb::OpParams::EmbedLayerNorm, 1e-12f, {0, 1, 2, 3, 4, 5, 6, 7}, {8, 9}});
  m.ops.push_back({"dense", fb::OpParams::MatMul, 0, {8, 10, 11, -1}, {12}});
  m.inputs = {0, 2, 1};
  m.outputs = {12};
  return m;
}

// The op's params table; an unknown type (a newer file's op) gets a Pooler's
// empty table.
inline flatbuffers::Offset<void> op_params(flatbuffers::FlatBufferBuilder& b, const SpecOp& op) {
  switch (op.type) {
    case fb::OpParams::EmbedLayerNorm:
      return fb::CreateEmbedLayerNorm(b, op.epsilon).Union();
    case fb::OpParams::MatMul:
      return fb::CreateMatMul(b, op.activation, op.precision_floor,
                              op.input_quantization
                                  ? fb::CreateStaticQuantization(b, op.input_quantization->scale,
                                                                 op.input_quantization->zero_point)
                                  : 0)
          .Union();
    case fb::OpParams::Attention:
      return fb::CreateAttention(b, op.num_heads, op.head_dim, op.scale).Union();
    case fb::OpParams::AddLayerNorm:
      return fb::CreateAddLayerNorm(b, op.epsilon).Union();
    case fb::OpParams::Elementwise:
      return fb::CreateElementwise(b, op.fn).Union();
    case fb::OpParams::GenericMatMul:
      return fb::CreateGenericMatMul(b).Union();
    case fb::OpParams::Gemm:
      return fb::CreateGemm(b, op.alpha, op.beta, op.trans_a, op.trans_b).Union();
    case fb::OpParams::Softmax:
      return fb::CreateSoftmax(b, op.axis).Union();
    case fb::OpParams::LayerNormalization:
      return fb::CreateLayerNormalization(b, op.axis, op.epsilon).Union();
    case fb::OpParams::ReduceMean:
      return fb::CreateReduceMean(b, b.CreateVector(op.axes)).Union();
    case fb::OpParams::Reshape:
      return fb::CreateReshape(b).Union();
    case fb::OpParams::Transpose:
      return fb::CreateTranspose(b, b.CreateVector(op.axes)).Union();
    case fb::OpParams::Gather:
      return fb::CreateGather(b, op.axis).Union();
    case fb::OpParams::GatherND:
      return fb::CreateGatherND(b).Union();
    case fb::OpParams::Slice:
      return fb::CreateSlice(b, b.CreateVectorOfStructs(op.dims), b.CreateVector(op.steps)).Union();
    case fb::OpParams::Concat:
      return fb::CreateConcat(b, op.axis).Union();
    case fb::OpParams::Expand:
      return fb::CreateExpand(b).Union();
    case fb::OpParams::Range:
      return fb::CreateRange(b, op.start, op.delta).Union();
    case fb::OpParams::DimValues:
      return fb::CreateDimValues(b, b.CreateVectorOfStructs(op.dims)).Union();
    default:
      return fb::CreatePooler(b).Union();
  }
}

inline std::vector<uint8_t> serialize(const ModelSpec& m) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  for (const auto& data : m.buffers) {
    b.ForceVectorAlignment(data.size(), 1, m.buffer_alignment);
    buffers.push_back(fb::CreateBuffer(b, b.CreateVector(data)));
  }
  std::vector<flatbuffers::Offset<fb::Value>> values;
  for (const SpecValue& v : m.values)
    values.push_back(fb::CreateValue(b, b.CreateString(v.name), v.dtype,
                                     v.no_shape ? 0 : b.CreateVectorOfStructs(v.shape), v.kind,
                                     v.buffer));
  std::vector<flatbuffers::Offset<fb::Op>> ops;
  for (const SpecOp& op : m.ops)
    ops.push_back(fb::CreateOp(b, b.CreateString(op.name), op.type,
                               op.no_params ? 0 : op_params(b, op), b.CreateVector(op.inputs),
                               b.CreateVector(op.outputs)));
  auto root = fb::CreateModel(b, m.version, b.CreateString("test"),
                              b.CreateString("tiny_model_writer"), 0, m.max_batch, m.max_seq,
                              b.CreateVector(values), b.CreateVector(buffers), b.CreateVector(ops),
                              b.CreateVector(m.inputs), b.CreateVector(m.outputs), m.max_tokens);
  fb::FinishModelBuffer(b, root);
  return std::vector<uint8_t>(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

inline std::string write_temp(const std::vector<uint8_t>& bytes, const std::string& name) {
  const std::string path = std::string(MINIRT_BINARY_DIR) + "/test_tmp_" + name + ".fb";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace minirt::test
