#include "converter/import/onnx/onnx_import.h"

#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

#include "converter/import/onnx/evaluator.h"
#include "runtime/model/mapped_file.h"

namespace minirt::converter::onnx {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

ir::DType ir_dtype(const TensorProto& t) {
  switch (t.data_type) {
    case TensorProto::kFloat:
    case TensorProto::kDouble:
      return ir::DType::kF32;
    case TensorProto::kUInt8:
      return ir::DType::kU8;
    case TensorProto::kInt8:
      return ir::DType::kI8;
    case TensorProto::kInt32:
      return ir::DType::kI32;
    case TensorProto::kInt64:
      return ir::DType::kI64;
    case TensorProto::kBool:
      return ir::DType::kBool;
  }
  fail("tensor '" + t.name + "': data type " + std::to_string(t.data_type) + " is not supported");
}

template <typename T, typename Src>
ir::WeightBytes copy_bytes(const std::vector<Src>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  for (size_t i = 0; i < values.size(); ++i) {
    const T v = static_cast<T>(values[i]);
    std::memcpy(bytes.data() + i * sizeof(T), &v, sizeof(T));
  }
  return ir::WeightBytes::owned_bytes(std::move(bytes));
}

class Importer {
 public:
  explicit Importer(const OnnxModel& model) : model_(model) {}

  ir::Graph run() {
    if (model_.opset < kMinOpset || model_.opset > kMaxOpset) {
      fail("opset " + std::to_string(model_.opset) + " is not supported (" +
           std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset) + ")");
    }
    for (const OnnxValueInfo& input : model_.inputs) add_input(input);
    for (const TensorProto& t : model_.initializers) add_tensor(t.name, t);
    for (const OnnxNode& node : model_.nodes) {
      try {
        add_node(node);
      } catch (const std::runtime_error& e) {
        fail("node '" + node.name + "' (" + node.op_type + ", opset " +
             std::to_string(model_.opset) + "): " + e.what());
      }
    }
    for (const OnnxValueInfo& output : model_.outputs) {
      const int id = lookup(output.name, "graph output");
      if (g_.values[id].kind != ir::ValueKind::kIntermediate) {
        fail("graph output '" + output.name + "' is not computed by any node");
      }
      g_.values[id].kind = ir::ValueKind::kOutput;
      g_.outputs.push_back(id);
    }
    return std::move(g_);
  }

 private:
  void add_input(const OnnxValueInfo& input) {
    if (input.elem_type != TensorProto::kInt64) {
      fail("graph input '" + input.name +
           "' must be int64 (input_ids, attention_mask, "
           "token_type_ids of shape [batch, seq])");
    }
    const int id = define(ir::Value{
        input.name, ir::DType::kI64, {ir::kBatchDim, ir::kSeqDim}, ir::ValueKind::kInput, {}});
    g_.inputs.push_back(id);
  }

  void add_tensor(const std::string& name, const TensorProto& t) {
    const ir::DType dtype = ir_dtype(t);
    ir::WeightBytes bytes;
    if (t.external) {
      bytes = external_bytes(t);
    } else if (dtype == ir::DType::kF32) {
      bytes = ir::WeightBytes::owned(t.f32);
    } else if (dtype == ir::DType::kI64) {
      bytes = copy_bytes<int64_t>(t.i64);
    } else if (dtype == ir::DType::kI32) {
      bytes = copy_bytes<int32_t>(t.i64);
    } else if (dtype == ir::DType::kI8) {
      bytes = copy_bytes<int8_t>(t.i64);
    } else {  // u8 and bool
      bytes = copy_bytes<uint8_t>(t.i64);
    }
    define(
        ir::Value{name, dtype, ir::const_shape(t.dims), ir::ValueKind::kWeight, std::move(bytes)});
  }

  // The bytes of an external tensor, read in place from its mapped file.
  ir::WeightBytes external_bytes(const TensorProto& t) {
    const TensorProto::External& ext = *t.external;
    if (t.data_type == TensorProto::kDouble) {
      fail("tensor '" + t.name + "': external data is not supported for double tensors");
    }
    const ir::DType dtype = ir_dtype(t);  // the file's little-endian layout is the IR's
    const std::filesystem::path file = model_.path.parent_path() / ext.location;
    if (ext.location.find("..") != std::string::npos ||
        std::filesystem::path(ext.location).is_absolute()) {
      fail("tensor '" + t.name + "': external data location '" + ext.location +
           "' leaves the model folder");
    }
    auto& mapped = files_[file.string()];
    if (!mapped) mapped = std::make_shared<const MappedFile>(file.string());
    const uint64_t needed = static_cast<uint64_t>(t.element_count()) * ir::dtype_size(dtype);
    const uint64_t size = mapped->size();
    if (ext.length >= 0 && static_cast<uint64_t>(ext.length) != needed) {
      fail("tensor '" + t.name + "': external length " + std::to_string(ext.length) + " but " +
           t.shape_string() + " " + std::string(ir::dtype_name(dtype)) + " needs " +
           std::to_string(needed) + " bytes");
    }
    if (ext.offset > size || needed > size - ext.offset) {
      fail("tensor '" + t.name + "': bytes [" + std::to_string(ext.offset) + ", " +
           std::to_string(ext.offset + needed) + ") lie past the end of " + file.string() + " (" +
           std::to_string(size) + " bytes)");
    }
    const std::span<const uint8_t> bytes = mapped->bytes().subspan(ext.offset, needed);
    if (ext.offset % ir::dtype_size(dtype) != 0) {  // read in place only when aligned
      return ir::WeightBytes::owned_bytes(std::vector<uint8_t>(bytes.begin(), bytes.end()));
    }
    return ir::WeightBytes::view(mapped, bytes);
  }

  void add_node(const OnnxNode& node) {
    if (!node.domain.empty() && node.domain != "ai.onnx")
      fail("domain '" + node.domain + "' is not supported");
    if (node.op_type == "Constant") return add_constant(node);
    if (!onnx_eval_table().contains(node.op_type)) fail("op type is not supported");
    ir::Op op;
    op.type = std::string(kOnnxPrefix) + node.op_type;
    op.name = node.name;
    for (const std::string& input : node.inputs) {
      op.inputs.push_back(input.empty() ? ir::kNoValue : lookup(input, "input"));
    }
    for (const OnnxAttribute& attr : node.attributes) add_attribute(node, attr, op);
    for (const std::string& output : node.outputs) {
      if (output.empty()) fail("an unnamed output is not supported");
      op.outputs.push_back(
          define(ir::Value{output, ir::DType::kF32, {}, ir::ValueKind::kIntermediate, {}}));
    }
    g_.ops.push_back(std::move(op));
  }

  void add_attribute(const OnnxNode& node, const OnnxAttribute& attr, ir::Op& op) {
    switch (attr.type) {
      case OnnxAttribute::kFloat:
        return op.attrs.set(attr.name, attr.f);
      case OnnxAttribute::kInt:
        return op.attrs.set(attr.name, attr.i);
      case OnnxAttribute::kString:
        return op.attrs.set(attr.name, attr.s);
      case OnnxAttribute::kInts:
        return op.attrs.set(attr.name, attr.ints);
      case OnnxAttribute::kTensor:
        if (node.op_type != "ConstantOfShape") break;
        // ConstantOfShape's fill value becomes its second input.
        if (node.outputs.empty()) fail("needs an output");
        add_tensor(node.outputs[0] + ".value", attr.tensor[0]);
        op.inputs.resize(1);
        op.inputs.push_back(static_cast<int>(g_.values.size()) - 1);
        return;
    }
    fail("attribute '" + attr.name + "' of type " + std::to_string(attr.type) +
         " is not supported");
  }

  void add_constant(const OnnxNode& node) {
    if (node.outputs.size() != 1 || node.attributes.size() != 1)
      fail("needs one output and one attribute");
    const OnnxAttribute& attr = node.attributes[0];
    TensorProto t;
    if (attr.name == "value") {
      if (attr.type != OnnxAttribute::kTensor)
        fail("attribute 'value' must be a tensor, is of type " + std::to_string(attr.type));
      t = attr.tensor[0];
    } else if (attr.name == "value_float" || attr.name == "value_floats") {
      t.data_type = TensorProto::kFloat;
      t.f32 = attr.name == "value_float" ? std::vector<float>{attr.f} : attr.floats;
      if (attr.name == "value_floats") t.dims = {static_cast<int64_t>(t.f32.size())};
    } else if (attr.name == "value_int" || attr.name == "value_ints") {
      t.data_type = TensorProto::kInt64;
      t.i64 = attr.name == "value_int" ? std::vector<int64_t>{attr.i} : attr.ints;
      if (attr.name == "value_ints") t.dims = {static_cast<int64_t>(t.i64.size())};
    } else {
      fail("attribute '" + attr.name + "' is not supported");
    }
    t.name = node.outputs[0];
    add_tensor(node.outputs[0], t);
  }

  int define(ir::Value value) {
    const std::string name = value.name;
    if (ids_.contains(name)) fail("value '" + name + "' is defined twice");
    const int id = g_.add_value(std::move(value));
    ids_[name] = id;
    return id;
  }

  int lookup(const std::string& name, const char* what) const {
    const auto it = ids_.find(name);
    if (it == ids_.end()) {
      fail(std::string(what) + " '" + name +
           "' is not defined before use (nodes must be in topological order)");
    }
    return it->second;
  }

  const OnnxModel& model_;
  ir::Graph g_;
  std::map<std::string, int> ids_;
  std::map<std::string, std::shared_ptr<const MappedFile>> files_;
};

}  // namespace

ir::Graph import_onnx(const OnnxModel& model) { return Importer(model).run(); }

std::string_view onnx_op_type(const ir::Op& op) {
  const std::string_view type = op.type;
  return type.starts_with(kOnnxPrefix) ? type.substr(kOnnxPrefix.size()) : std::string_view{};
}

}  // namespace minirt::converter::onnx
