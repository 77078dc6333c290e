#include "converter/import/onnx/onnx_model.h"

#include <bit>
#include <set>
#include <stdexcept>

#include "common/proto_wire.h"

namespace minirt::converter::onnx {
namespace {

std::string as_string(const ProtoField& field) {
  expect_wire_type(field, WireType::kLengthDelimited);
  return std::string(field.bytes.begin(), field.bytes.end());
}

int64_t as_int(const ProtoField& field) {
  expect_wire_type(field, WireType::kVarint);
  return static_cast<int64_t>(field.scalar);
}

// AttributeProto: name 1, f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, graphs 11, type 20.
OnnxAttribute parse_attribute(std::span<const uint8_t> bytes) {
  OnnxAttribute attr;
  ProtoReader reader(bytes);
  ProtoField field;
  while (reader.next(field)) {
    switch (field.number) {
      case 1:
        attr.name = as_string(field);
        break;
      case 2:
        expect_wire_type(field, WireType::kFixed32);
        attr.f = std::bit_cast<float>(static_cast<uint32_t>(field.scalar));
        break;
      case 3:
        attr.i = as_int(field);
        break;
      case 4:
        attr.s = as_string(field);
        break;
      case 5:
        expect_wire_type(field, WireType::kLengthDelimited);
        attr.tensor.push_back(parse_tensor_proto(field.bytes));
        break;
      case 6:
      case 11:
        throw std::runtime_error("attribute '" + attr.name + "' holds a subgraph (not supported)");
      case 7:
        for_each_fixed32(field,
                         [&](uint32_t bits) { attr.floats.push_back(std::bit_cast<float>(bits)); });
        break;
      case 8:
        for_each_varint(field, [&](uint64_t v) { attr.ints.push_back(static_cast<int64_t>(v)); });
        break;
      case 20:
        attr.type = static_cast<int32_t>(as_int(field));
        break;
      default:
        break;
    }
  }
  if (attr.type == OnnxAttribute::kTensor && attr.tensor.size() != 1)
    throw std::runtime_error("attribute '" + attr.name + "' of type TENSOR holds " +
                             std::to_string(attr.tensor.size()) + " tensors, not one");
  return attr;
}

// NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7.
OnnxNode parse_node(std::span<const uint8_t> bytes) {
  OnnxNode node;
  ProtoReader reader(bytes);
  ProtoField field;
  while (reader.next(field)) {
    switch (field.number) {
      case 1:
        node.inputs.push_back(as_string(field));
        break;
      case 2:
        node.outputs.push_back(as_string(field));
        break;
      case 3:
        node.name = as_string(field);
        break;
      case 4:
        node.op_type = as_string(field);
        break;
      case 5:
        expect_wire_type(field, WireType::kLengthDelimited);
        node.attributes.push_back(parse_attribute(field.bytes));
        break;
      case 7:
        node.domain = as_string(field);
        break;
      default:
        break;
    }
  }
  return node;
}

// ValueInfoProto: name 1, type 2 -> TypeProto.tensor_type 1 -> elem_type 1.
OnnxValueInfo parse_value_info(std::span<const uint8_t> bytes) {
  OnnxValueInfo info;
  ProtoReader reader(bytes);
  ProtoField field;
  while (reader.next(field)) {
    if (field.number == 1) info.name = as_string(field);
    if (field.number != 2) continue;
    expect_wire_type(field, WireType::kLengthDelimited);
    ProtoReader type(field.bytes);
    ProtoField type_field;
    while (type.next(type_field)) {
      if (type_field.number != 1) continue;
      expect_wire_type(type_field, WireType::kLengthDelimited);
      ProtoReader tensor(type_field.bytes);
      ProtoField tensor_field;
      while (tensor.next(tensor_field)) {
        if (tensor_field.number == 1) info.elem_type = static_cast<int32_t>(as_int(tensor_field));
      }
    }
  }
  return info;
}

// GraphProto: node 1, initializer 5, input 11, output 12, sparse_initializer 15.
void parse_graph(std::span<const uint8_t> bytes, OnnxModel& model) {
  std::vector<OnnxValueInfo> inputs;
  ProtoReader reader(bytes);
  ProtoField field;
  while (reader.next(field)) {
    switch (field.number) {
      case 1:
        expect_wire_type(field, WireType::kLengthDelimited);
        model.nodes.push_back(parse_node(field.bytes));
        break;
      case 5:
        expect_wire_type(field, WireType::kLengthDelimited);
        model.initializers.push_back(parse_tensor_proto(field.bytes));
        break;
      case 11:
        expect_wire_type(field, WireType::kLengthDelimited);
        inputs.push_back(parse_value_info(field.bytes));
        break;
      case 12:
        expect_wire_type(field, WireType::kLengthDelimited);
        model.outputs.push_back(parse_value_info(field.bytes));
        break;
      case 15:
        throw std::runtime_error("sparse initializers are not supported");
      default:
        break;
    }
  }
  // Older exporters list initializers among the inputs too.
  std::set<std::string> initializer_names;
  for (const TensorProto& t : model.initializers) initializer_names.insert(t.name);
  for (OnnxValueInfo& input : inputs) {
    if (!initializer_names.contains(input.name)) model.inputs.push_back(std::move(input));
  }
}

// OperatorSetIdProto: domain 1, version 2.
void parse_opset(std::span<const uint8_t> bytes, OnnxModel& model) {
  std::string domain;
  int64_t version = 0;
  ProtoReader reader(bytes);
  ProtoField field;
  while (reader.next(field)) {
    if (field.number == 1) domain = as_string(field);
    if (field.number == 2) version = as_int(field);
  }
  if (domain.empty() || domain == "ai.onnx") model.opset = version;
}

}  // namespace

OnnxModel parse_onnx_model(std::span<const uint8_t> bytes, const std::filesystem::path& path) {
  OnnxModel model;
  model.path = path;
  bool has_graph = false;
  try {
    // ModelProto: opset_import 8, graph 7.
    ProtoReader reader(bytes);
    ProtoField field;
    while (reader.next(field)) {
      if (field.number == 8) {
        expect_wire_type(field, WireType::kLengthDelimited);
        parse_opset(field.bytes, model);
      } else if (field.number == 7) {
        expect_wire_type(field, WireType::kLengthDelimited);
        parse_graph(field.bytes, model);
        has_graph = true;
      }
    }
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path.string() + ": not a valid ONNX model: " + e.what());
  }
  if (!has_graph) throw std::runtime_error(path.string() + ": the ONNX model has no graph");
  if (model.opset == 0) {
    throw std::runtime_error(path.string() + ": no opset_import for the default ONNX domain");
  }
  return model;
}

OnnxModel read_onnx_model(const std::filesystem::path& path) {
  const MappedFile file(path.string());  // throws minirt::Error, a runtime_error, naming the path
  return parse_onnx_model(file.bytes(), path);
}

}  // namespace minirt::converter::onnx
