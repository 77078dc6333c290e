// The ONNX reader and importer on hand-built models: what they accept, and
// the errors that name the node, tensor or file at fault.
#include <doctest/doctest.h>

#include <bit>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "converter/import/onnx/onnx_import.h"
#include "converter/import/onnx/onnx_model.h"
#include "tests/unit/proto_writer.h"

namespace minirt::converter::onnx {
namespace {

namespace fs = std::filesystem;
using test::Bytes;
using test::ProtoWriter;

Bytes node(const std::string& op_type, const std::vector<std::string>& inputs,
           const std::string& output) {
  ProtoWriter w;
  for (const std::string& in : inputs) w.string(1, in);
  return w.string(2, output).string(3, op_type + "_node").string(4, op_type).data;
}

Bytes int64_input(const std::string& name) {
  const Bytes tensor_type = ProtoWriter().varint(1, 7).data;
  return ProtoWriter().string(1, name).bytes(2, ProtoWriter().bytes(1, tensor_type).data).data;
}

// A float [n] initializer stored in `location` at `offset`.
Bytes external_initializer(const std::string& name, int64_t n, const std::string& location,
                           int64_t offset) {
  auto entry = [](const std::string& k, const std::string& v) {
    return ProtoWriter().string(1, k).string(2, v).data;
  };
  return ProtoWriter()
      .varint(1, static_cast<uint64_t>(n))
      .varint(2, 1)
      .string(8, name)
      .varint(14, 1)
      .bytes(13, entry("location", location))
      .bytes(13, entry("offset", std::to_string(offset)))
      .bytes(13, entry("length", std::to_string(4 * n)))
      .data;
}

Bytes model(const std::vector<Bytes>& graph_fields, int64_t opset = 14) {
  ProtoWriter graph;
  for (const Bytes& f : graph_fields) graph.data.insert(graph.data.end(), f.begin(), f.end());
  return ProtoWriter()
      .varint(1, 8)
      .bytes(8, ProtoWriter().varint(2, static_cast<uint64_t>(opset)).data)
      .bytes(7, graph.data)
      .data;
}

Bytes field(uint32_t number, const Bytes& payload) {
  return ProtoWriter().bytes(number, payload).data;
}

std::string import_error(const Bytes& bytes, const fs::path& path = "test.onnx") {
  try {
    import_onnx(parse_onnx_model(bytes, path));
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("onnx reader: nodes, inputs, outputs, opset and inline constants") {
  const Bytes value =
      ProtoWriter().varint(2, 7).bytes(9, ProtoWriter::little_endian<int64_t>({1})).data;
  const Bytes constant =
      ProtoWriter()
          .string(2, "one")
          .string(4, "Constant")
          .bytes(5, ProtoWriter().string(1, "value").bytes(5, value).varint(20, 4).data)
          .data;
  const Bytes bytes = model({field(11, int64_input("input_ids")), field(1, constant),
                             field(1, node("Add", {"input_ids", "one"}, "sum")),
                             field(12, ProtoWriter().string(1, "sum").data)});
  const OnnxModel m = parse_onnx_model(bytes, "m.onnx");
  CHECK(m.opset == 14);
  REQUIRE(m.nodes.size() == 2);
  CHECK(m.nodes[1].op_type == "Add");
  CHECK(m.inputs.size() == 1);
  const ir::Graph g = import_onnx(m);
  REQUIRE(g.ops.size() == 1);
  CHECK(g.ops[0].type == "onnx::Add");
  CHECK(g.values[g.ops[0].inputs[1]].kind == ir::ValueKind::kWeight);
  CHECK(g.outputs.size() == 1);
}

TEST_CASE("onnx reader: errors name the node, op type and opset, or the tensor and file") {
  CHECK(import_error({0x0a, 0xff}).find("not a valid ONNX model") != std::string::npos);
  CHECK(import_error(ProtoWriter().varint(1, 8).data).find("no graph") != std::string::npos);
  const std::string op_error =
      import_error(model({field(11, int64_input("input_ids")),
                          field(1, node("NonMaxSuppression", {"input_ids"}, "y"))}));
  CHECK(op_error.find("node 'NonMaxSuppression_node' (NonMaxSuppression, opset 14): op type is not "
                      "supported") != std::string::npos);
  CHECK(import_error(model({field(11, int64_input("input_ids"))}, 9))
            .find("opset 9 is not supported") != std::string::npos);
  const Bytes f16 = ProtoWriter().varint(1, 2).varint(2, 10).string(8, "half").data;
  CHECK(import_error(model({field(5, f16)})).find("data_type 10 not supported") !=
        std::string::npos);
  CHECK(import_error(model({field(1, node("Add", {"nowhere", "x"}, "y"))}))
            .find("'nowhere' is not defined") != std::string::npos);
  // A Constant whose "value" is an int, not a tensor (std::out_of_range escaped before).
  Bytes constant = node("Constant", {}, "c");
  const Bytes int_value =
      ProtoWriter().string(1, "value").varint(3, 7).varint(20, 2).data;  // AttributeProto INT
  const Bytes attribute = field(5, int_value);                           // NodeProto.attribute
  constant.insert(constant.end(), attribute.begin(), attribute.end());
  CHECK(import_error(model({field(1, constant)}))
            .find("node 'Constant_node' (Constant, opset 14): attribute 'value' must be a tensor, "
                  "is of type 2") != std::string::npos);
  // A TENSOR attribute with no tensor (fuzz_onnx_import: std::out_of_range
  // escaped from ConstantOfShape's fill value).
  Bytes fill = node("ConstantOfShape", {"input_ids"}, "y");
  const Bytes no_tensor = field(5, ProtoWriter().string(1, "value").varint(20, 4).data);
  fill.insert(fill.end(), no_tensor.begin(), no_tensor.end());
  CHECK(import_error(model({field(11, int64_input("input_ids")), field(1, fill)}))
            .find("attribute 'value' of type TENSOR holds 0 tensors, not one") !=
        std::string::npos);
}

TEST_CASE("onnx reader: external data is mapped, and a missing or short file is an error") {
  const fs::path dir = fs::path(MINIRT_BINARY_DIR) / "onnx_reader_test";
  fs::create_directories(dir);
  {
    std::ofstream data(dir / "w.data", std::ios::binary);
    const float values[4] = {1, 2, 3, 4};
    data.write(reinterpret_cast<const char*>(values), sizeof(values));
  }
  const ir::Graph g = import_onnx(parse_onnx_model(
      model({field(5, external_initializer("w", 2, "w.data", 8))}), dir / "m.onnx"));
  REQUIRE(g.values.size() == 1);
  const std::span<const uint8_t> bytes = g.values[0].data.bytes();
  REQUIRE(bytes.size() == 8);
  CHECK(std::bit_cast<float>(std::array<uint8_t, 4>{bytes[0], bytes[1], bytes[2], bytes[3]}) ==
        3.0f);

  CHECK(import_error(model({field(5, external_initializer("w", 2, "w.data", 12))}), dir / "m.onnx")
            .find("lie past the end") != std::string::npos);
  CHECK(
      import_error(model({field(5, external_initializer("w", 2, "gone.data", 0))}), dir / "m.onnx")
          .find("gone.data") != std::string::npos);
  CHECK(
      import_error(model({field(5, external_initializer("w", 2, "../w.data", 0))}), dir / "m.onnx")
          .find("leaves the model folder") != std::string::npos);
}

}  // namespace
}  // namespace minirt::converter::onnx
