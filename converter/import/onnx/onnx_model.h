// The parts of an ONNX ModelProto the importer needs, read in place from a
// memory map by our own reader over common/proto_wire.h (why not libprotobuf:
// docs/ARCHITECTURE.md). Initializers and Constant tensors stay TensorProtos;
// external data is described, and onnx_import maps it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/tensor_proto.h"
#include "runtime/model/mapped_file.h"

namespace minirt::converter::onnx {

struct OnnxAttribute {
  // AttributeProto.AttributeType values this reader keeps.
  enum Type : int32_t { kFloat = 1, kInt = 2, kString = 3, kTensor = 4, kFloats = 6, kInts = 7 };

  std::string name;
  int32_t type = 0;
  float f = 0;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<TensorProto> tensor;  // one element for kTensor
};

struct OnnxNode {
  std::string name, op_type, domain;
  std::vector<std::string> inputs;  // "" marks an absent optional input
  std::vector<std::string> outputs;
  std::vector<OnnxAttribute> attributes;
};

struct OnnxValueInfo {
  std::string name;
  int32_t elem_type = 0;  // TensorProto.DataType; 0 when not given
};

struct OnnxModel {
  std::filesystem::path path;  // external data locations are relative to its folder
  int64_t opset = 0;           // of the default domain
  std::vector<OnnxNode> nodes;
  std::vector<TensorProto> initializers;
  std::vector<OnnxValueInfo> inputs;  // graph inputs that are not initializers
  std::vector<OnnxValueInfo> outputs;
};

// Reads path. Throws std::runtime_error naming the file on malformed
// protobuf, a missing graph or default-domain opset, or a graph feature
// the importer does not take (subgraph attributes, sparse initializers).
OnnxModel read_onnx_model(const std::filesystem::path& path);

// Parses serialized ModelProto bytes; `path` only names them in errors and
// anchors external data.
OnnxModel parse_onnx_model(std::span<const uint8_t> bytes, const std::filesystem::path& path);

}  // namespace minirt::converter::onnx
