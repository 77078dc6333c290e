// Builds small .fb files by hand, straight through FlatBuffers, so loader
// tests can write models the converter would refuse to emit.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "format/minirt_generated.h"

namespace minirt::test {

struct SpecValue {
  std::string name;
  fb::DType dtype = fb::DType::F32;
  std::vector<fb::Dim> shape;
  fb::ValueKind kind = fb::ValueKind::Intermediate;
  uint32_t buffer = 0;
};

struct SpecOp {
  std::string name;
  fb::OpParams type = fb::OpParams::MatMul;
  float epsilon = 1e-12f;
  std::vector<int32_t> inputs, outputs;
};

struct ModelSpec {
  uint32_t version = 1;
  int32_t max_batch = 2, max_seq = 8;
  std::vector<SpecValue> values;
  std::vector<std::vector<float>> buffers;
  std::vector<SpecOp> ops;
  std::vector<int32_t> inputs, outputs;
};

inline fb::Dim dim(int64_t n) { return fb::Dim(n, fb::DimSymbol::NONE); }
inline fb::Dim batch_dim() { return fb::Dim(1, fb::DimSymbol::BATCH); }
inline fb::Dim seq_dim() { return fb::Dim(1, fb::DimSymbol::SEQ); }

// EmbedLayerNorm (vocab 10, hidden 4, 8 positions, 2 types) then a MatMul
// to 3 outputs with bias: a valid model every test mutates one way.
inline ModelSpec valid_spec() {
  ModelSpec m;
  const std::vector<fb::Dim> bs = {batch_dim(), seq_dim()};
  auto weight = [&](const std::string& name, std::vector<fb::Dim> shape, size_t count) {
    m.buffers.emplace_back(count, 0.5f);
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

inline std::vector<uint8_t> serialize(const ModelSpec& m) {
  flatbuffers::FlatBufferBuilder b;
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  for (const auto& data : m.buffers) {
    b.ForceVectorAlignment(data.size() * sizeof(float), 1, 64);
    auto bytes =
        b.CreateVector(reinterpret_cast<const uint8_t*>(data.data()), data.size() * sizeof(float));
    buffers.push_back(fb::CreateBuffer(b, bytes));
  }
  std::vector<flatbuffers::Offset<fb::Value>> values;
  for (const SpecValue& v : m.values)
    values.push_back(fb::CreateValue(b, b.CreateString(v.name), v.dtype,
                                     b.CreateVectorOfStructs(v.shape), v.kind, v.buffer));
  std::vector<flatbuffers::Offset<fb::Op>> ops;
  for (const SpecOp& op : m.ops) {
    flatbuffers::Offset<void> params;
    switch (op.type) {
      case fb::OpParams::EmbedLayerNorm:
        params = fb::CreateEmbedLayerNorm(b, op.epsilon).Union();
        break;
      case fb::OpParams::AddLayerNorm:
        params = fb::CreateAddLayerNorm(b, op.epsilon).Union();
        break;
      case fb::OpParams::MatMul:
        params = fb::CreateMatMul(b).Union();
        break;
      case fb::OpParams::Pooler:
        params = fb::CreatePooler(b).Union();
        break;
      default:
        params = fb::CreateAttention(b, 1, 4, 0.5f).Union();
        break;
    }
    ops.push_back(fb::CreateOp(b, b.CreateString(op.name), op.type, params,
                               b.CreateVector(op.inputs), b.CreateVector(op.outputs)));
  }
  auto root =
      fb::CreateModel(b, m.version, b.CreateString("test"), b.CreateString("tiny_model_writer"), 0,
                      m.max_batch, m.max_seq, b.CreateVector(values), b.CreateVector(buffers),
                      b.CreateVector(ops), b.CreateVector(m.inputs), b.CreateVector(m.outputs));
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
