// Builds ONNX models for tests, node by node, over the hand-written protobuf
// encoder of proto_writer.h (independent of the reader under test). Value and
// node names are generated and meaningless, so a test built on it shows that
// the converter never matches by name. Initializers stay inline, or large
// float ones go to an external data file as PyTorch's exporters write them.
#pragma once

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/tensor_proto.h"
#include "tests/unit/proto_writer.h"

namespace minirt::test {

// A tensor to serialize: data_type is TensorProto::kFloat, kInt64, kInt32,
// kInt8, kUInt8 or kBool.
struct OnnxTensor {
  int32_t data_type = TensorProto::kFloat;
  std::vector<int64_t> dims;  // empty: a scalar
  std::vector<double> values;
};

inline OnnxTensor f32_scalar(double v) { return {TensorProto::kFloat, {}, {v}}; }
inline OnnxTensor i64_scalar(int64_t v) { return {TensorProto::kInt64, {}, {double(v)}}; }
inline OnnxTensor bool_scalar(bool v) { return {TensorProto::kBool, {}, {v ? 1.0 : 0.0}}; }
inline OnnxTensor i64_vector(const std::vector<int64_t>& v) {
  return {TensorProto::kInt64, {static_cast<int64_t>(v.size())}, {v.begin(), v.end()}};
}
inline OnnxTensor f32_tensor(std::vector<int64_t> dims, const std::vector<float>& v) {
  return {TensorProto::kFloat, std::move(dims), {v.begin(), v.end()}};
}

// Serialized AttributeProto (type codes from onnx.proto's AttributeType).
inline Bytes int_attr(const std::string& name, int64_t v) {
  return ProtoWriter().string(1, name).varint(3, static_cast<uint64_t>(v)).varint(20, 2).data;
}
inline Bytes float_attr(const std::string& name, float v) {
  return ProtoWriter().string(1, name).fixed32(2, std::bit_cast<uint32_t>(v)).varint(20, 1).data;
}
inline Bytes ints_attr(const std::string& name, const std::vector<int64_t>& v) {
  ProtoWriter w;
  w.string(1, name);
  for (int64_t x : v) w.varint(8, static_cast<uint64_t>(x));
  return w.varint(20, 7).data;
}

// Little-endian values as raw_data holds them.
inline Bytes raw_bytes(const OnnxTensor& t) {
  const int size = t.data_type == TensorProto::kFloat || t.data_type == TensorProto::kInt32 ? 4
                   : t.data_type == TensorProto::kInt64                                     ? 8
                                                                                            : 1;
  Bytes bytes;
  for (double v : t.values) {
    const uint64_t bits = t.data_type == TensorProto::kFloat
                              ? std::bit_cast<uint32_t>(static_cast<float>(v))
                              : static_cast<uint64_t>(static_cast<int64_t>(v));
    for (int i = 0; i < size; ++i) bytes.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  }
  return bytes;
}

// TensorProto: dims 1, data_type 2, name 8, raw_data 9.
inline ProtoWriter tensor_header(const std::string& name, const OnnxTensor& t) {
  ProtoWriter w;
  for (int64_t d : t.dims) w.varint(1, static_cast<uint64_t>(d));
  return std::move(w.varint(2, static_cast<uint64_t>(t.data_type)).string(8, name));
}
inline Bytes tensor_proto(const std::string& name, const OnnxTensor& t) {
  return tensor_header(name, t).bytes(9, raw_bytes(t)).data;
}
inline Bytes tensor_attr(const std::string& name, const OnnxTensor& t) {
  return ProtoWriter().string(1, name).bytes(5, tensor_proto("", t)).varint(20, 4).data;
}

class OnnxGraphBuilder {
 public:
  // Float initializers of at least this many elements go to the external
  // file when there is one (the exporters keep small ones inline).
  static constexpr size_t kExternalMinElements = 64;

  explicit OnnxGraphBuilder(int64_t opset) : opset_(opset) {}

  // An int64 [batch, sequence] graph input.
  void input(const std::string& name) {
    Bytes dims;
    for (const char* param : {"batch", "sequence"}) {
      dims = append(dims, ProtoWriter().bytes(1, ProtoWriter().string(2, param).data).data);
    }
    const Bytes tensor_type = ProtoWriter().varint(1, TensorProto::kInt64).bytes(2, dims).data;
    graph_.bytes(11, ProtoWriter().string(1, name).bytes(2, wrap(1, tensor_type)).data);
  }
  // A float graph output.
  void output(const std::string& name) {
    const Bytes tensor_type = ProtoWriter().varint(1, TensorProto::kFloat).data;
    graph_.bytes(12, ProtoWriter().string(1, name).bytes(2, wrap(1, tensor_type)).data);
  }

  std::string initializer(const OnnxTensor& t) {
    const std::string name = fresh("w");
    initializers_.push_back({name, t});
    return name;
  }
  std::string constant_node(const OnnxTensor& t) {
    return node("Constant", {}, {tensor_attr("value", t)});
  }
  // Appends a node and returns its (generated) output name.
  std::string node(const std::string& op_type, const std::vector<std::string>& inputs,
                   const std::vector<Bytes>& attributes = {}) {
    nodes_.push_back({op_type, inputs, fresh("v"), attributes});
    return nodes_.back().output;
  }
  // Gives a value its graph output name: the exporters name outputs so.
  void rename(const std::string& from, const std::string& to) {
    for (Node& n : nodes_) {
      for (std::string& in : n.inputs) in = in == from ? to : in;
      n.output = n.output == from ? to : n.output;
    }
  }

  // Writes the ModelProto to `path`; with external data, large float
  // initializers go to path + ".data", back to back.
  void write(const std::filesystem::path& path, bool external_data) const {
    ProtoWriter graph = graph_;
    for (const Node& n : nodes_) {
      ProtoWriter w;  // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5
      for (const std::string& in : n.inputs) w.string(1, in);
      std::string name = "n";  // appended, not "n" + ...: GCC 12 warns falsely on that (-Wrestrict)
      name += std::to_string(&n - nodes_.data());
      w.string(2, n.output).string(3, name).string(4, n.op_type);
      for (const Bytes& a : n.attributes) w.bytes(5, a);
      graph.bytes(1, w.data);
    }
    std::ofstream data;
    const std::string data_name = path.filename().string() + ".data";
    if (external_data) data.open(path.parent_path() / data_name, std::ios::binary);
    uint64_t offset = 0;
    for (const auto& [name, t] : initializers_) {
      if (!external_data || t.data_type != TensorProto::kFloat ||
          t.values.size() < kExternalMinElements) {
        graph.bytes(5, tensor_proto(name, t));
        continue;
      }
      const Bytes bytes = raw_bytes(t);
      data.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
      ProtoWriter proto = tensor_header(name, t);
      proto.bytes(13, entry("location", data_name))
          .bytes(13, entry("offset", std::to_string(offset)))
          .bytes(13, entry("length", std::to_string(bytes.size())))
          .varint(14, 1);  // data_location EXTERNAL
      graph.bytes(5, proto.data);
      offset += bytes.size();
    }
    // ModelProto: ir_version 1, producer_name 2, graph 7, opset_import 8.
    const Bytes model = ProtoWriter()
                            .varint(1, 8)
                            .string(2, "minirt-tests")
                            .bytes(7, graph.string(2, "bert").data)
                            .bytes(8, ProtoWriter().varint(2, uint64_t(opset_)).data)
                            .data;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(model.data()), std::streamsize(model.size()));
  }

 private:
  struct Node {
    std::string op_type;
    std::vector<std::string> inputs;
    std::string output;
    std::vector<Bytes> attributes;
  };
  struct Initializer {
    std::string name;
    OnnxTensor tensor;
  };

  static Bytes append(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
  static Bytes wrap(uint32_t field, const Bytes& payload) {
    return ProtoWriter().bytes(field, payload).data;
  }
  static Bytes entry(const std::string& key, const std::string& value) {
    return ProtoWriter().string(1, key).string(2, value).data;
  }
  std::string fresh(const char* prefix) { return prefix + std::to_string(next_id_++); }

  int64_t opset_;
  int next_id_ = 0;
  ProtoWriter graph_;  // inputs and outputs
  std::vector<Node> nodes_;
  std::vector<Initializer> initializers_;
};

}  // namespace minirt::test
