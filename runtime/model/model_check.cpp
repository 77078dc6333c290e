// Our own checks of a verified file: graph wiring, dtypes and shapes per op
// kind, input limits, then the arena plan. After this, kernels may trust
// every pointer and size they are handed.
#include "runtime/model/model_check.h"

#include <set>
#include <string>
#include <string_view>

#include "runtime/model/checked_math.h"
#include "runtime/model/op_checker.h"
#include "runtime/model/ragged_support.h"

namespace minirt {
namespace {

void check_embed_layer_norm(const OpChecker& c, const OpInfo& op, int32_t max_seq) {
  c.arity(8, 2);
  const char* roles[] = {"input_ids", "token_type_ids", "attention_mask"};
  for (size_t i = 0; i < 3; ++i) c.expect(c.in(i), DType::I64, {kBatch, kSeq}, roles[i]);
  const int64_t hidden = c.last_dim(c.in(3), "word table");
  const char* tables[] = {"word table", "position table", "token type table"};
  for (size_t i = 3; i < 6; ++i) {
    const ValueInfo& table = c.in(i);
    c.expect_weight(table, tables[i - 3]);
    if (table.shape.size() != 2) c.fail(std::string(tables[i - 3]) + " must be 2-D");
    c.expect(table, DType::F32, {table.shape[0], fixed(hidden)}, tables[i - 3]);
  }
  if (c.in(4).shape[0].factor < max_seq)
    c.fail("position table has " + std::to_string(c.in(4).shape[0].factor) +
           " rows, fewer than max_seq " + std::to_string(max_seq));
  c.expect_weight(c.in(6), "gamma");
  c.expect(c.in(6), DType::F32, {fixed(hidden)}, "gamma");
  c.expect_weight(c.in(7), "beta");
  c.expect(c.in(7), DType::F32, {fixed(hidden)}, "beta");
  c.expect(c.out(0), DType::F32, {kBatch, kSeq, fixed(hidden)}, "output");
  c.expect(c.out(1), DType::F32, {kBatch, kSeq}, "mask bias");
  c.positive_finite(op.epsilon, "epsilon");
}

// A static input quantization must give finite levels in u8's range.
void check_input_quantization(const OpChecker& c, const StaticQuantization& q) {
  c.positive_finite(q.scale, "input_quantization scale");
  if (q.zero_point < 0 || q.zero_point > 255)
    c.fail("input_quantization zero_point must be in [0, 255] (u8), is " +
           std::to_string(q.zero_point));
}

void check_matmul(const OpChecker& c, const OpInfo& op) {
  c.arity(4, 1);
  if (op.input_quantization) check_input_quantization(c, *op.input_quantization);
  const ValueInfo& src = c.in(0);
  const ValueInfo& weight = c.in(1);
  c.expect_weight(weight, "weight");
  if (weight.shape.size() != 2) c.fail("weight '" + weight.name + "' must be 2-D [N,K]");
  const int64_t n = weight.shape[0].factor, k = weight.shape[1].factor;
  std::vector<SymDim> src_shape = src.shape;
  if (src_shape.empty()) c.fail("source has rank 0");
  src_shape.back() = fixed(k);
  c.expect(src, DType::F32, src_shape, "source");
  c.expect(weight, DType::F32, {fixed(n), fixed(k)}, "weight");
  std::vector<SymDim> dst_shape = src.shape;
  dst_shape.back() = fixed(n);
  if (c.present(2)) {
    c.expect_weight(c.in(2), "bias");
    c.expect(c.in(2), DType::F32, {fixed(n)}, "bias");
  }
  if (c.present(3)) c.expect(c.in(3), DType::F32, dst_shape, "residual");
  c.expect(c.out(0), DType::F32, dst_shape, "output");
}

void check_attention(const OpChecker& c, const OpInfo& op) {
  c.arity(2, 1);
  if (op.num_heads <= 0 || op.head_dim <= 0)
    c.fail("num_heads " + std::to_string(op.num_heads) + " and head_dim " +
           std::to_string(op.head_dim) + " must be positive");
  c.positive_finite(op.scale, "scale");
  const int64_t width = int64_t{op.num_heads} * op.head_dim;  // below 2^62: no overflow
  const std::optional<int64_t> qkv_width = checked_mul(3, width);
  if (!qkv_width) c.fail("num_heads x head_dim x 3 overflows");
  c.expect(c.in(0), DType::F32, {kBatch, kSeq, fixed(*qkv_width)}, "qkv");
  c.expect(c.in(1), DType::F32, {kBatch, kSeq}, "mask bias");
  c.expect(c.out(0), DType::F32, {kBatch, kSeq, fixed(width)}, "output");
}

void check_add_layer_norm(const OpChecker& c, const OpInfo& op) {
  c.arity(4, 1);
  const int64_t hidden = c.last_dim(c.in(0), "source");
  c.expect(c.in(1), DType::F32, c.in(0).shape, "residual");
  c.expect(c.in(0), DType::F32, c.in(0).shape, "source");
  c.expect_weight(c.in(2), "gamma");
  c.expect(c.in(2), DType::F32, {fixed(hidden)}, "gamma");
  c.expect_weight(c.in(3), "beta");
  c.expect(c.in(3), DType::F32, {fixed(hidden)}, "beta");
  c.expect(c.out(0), DType::F32, c.in(0).shape, "output");
  c.positive_finite(op.epsilon, "epsilon");
}

void check_pooler(const OpChecker& c) {
  c.arity(3, 1);
  const int64_t hidden = c.last_dim(c.in(0), "hidden");
  c.expect(c.in(0), DType::F32, {kBatch, kSeq, fixed(hidden)}, "hidden");
  c.expect_weight(c.in(1), "weight");
  c.expect(c.in(1), DType::F32, {fixed(hidden), fixed(hidden)}, "weight");
  c.expect_weight(c.in(2), "bias");
  c.expect(c.in(2), DType::F32, {fixed(hidden)}, "bias");
  c.expect(c.out(0), DType::F32, {kBatch, fixed(hidden)}, "output");
}

// Every value has a name of its own: outputs are found by name, and ops
// are described by their values' names.
void check_value_names(const Model::Impl& impl) {
  std::set<std::string_view> names;
  for (size_t v = 0; v < impl.values.size(); ++v) {
    const std::string& name = impl.values[v].name;
    if (name.empty()) throw Error("value " + std::to_string(v) + " has no name");
    if (!names.insert(name).second)
      throw Error("value " + std::to_string(v) + " '" + name + "': the name is used twice");
  }
}

// Graph inputs: the three BERT inputs by name, i64 [B,S].
void check_graph_inputs(Model::Impl& impl) {
  for (int32_t v : impl.inputs) {
    const ValueInfo& value = impl.values[static_cast<size_t>(v)];
    if (value.name != "input_ids" && value.name != "attention_mask" &&
        value.name != "token_type_ids")
      throw Error("graph input '" + value.name +
                  "' is not one of input_ids, attention_mask, token_type_ids");
    if (value.kind != ValueKind::kInput || value.dtype != DType::I64 ||
        value.shape != std::vector<SymDim>{kBatch, kSeq})
      throw Error("graph input '" + value.name + "' must be an i64 input of shape [B,S]");
    for (const InputLimit& listed : impl.input_limits)
      if (listed.value == v) throw Error("graph input '" + value.name + "' is listed twice");
    impl.input_limits.push_back(InputLimit{v, 0, false});
  }
}

// Every value is produced before it is read, exactly once; returns the
// index of the last op reading each value (-1 if none).
std::vector<int32_t> check_wiring(const Model::Impl& impl) {
  std::vector<bool> ready(impl.values.size(), false);
  std::vector<int32_t> last_read(impl.values.size(), -1);
  for (size_t v = 0; v < impl.values.size(); ++v) {
    const ValueKind kind = impl.values[v].kind;
    ready[v] = kind == ValueKind::kWeight;
    if (kind == ValueKind::kInput) {
      bool listed = false;
      for (int32_t i : impl.inputs) listed |= static_cast<size_t>(i) == v;
      if (!listed) throw Error("input value '" + impl.values[v].name + "' is not a graph input");
      ready[v] = true;
    }
  }
  for (size_t i = 0; i < impl.ops.size(); ++i) {
    const OpInfo& op = impl.ops[i];
    for (int32_t v : op.inputs) {
      if (v < 0) continue;
      if (!ready[static_cast<size_t>(v)])
        throw Error("op " + std::to_string(i) + " '" + op.name + "' reads '" +
                    impl.values[static_cast<size_t>(v)].name + "' before any op writes it");
      last_read[static_cast<size_t>(v)] = static_cast<int32_t>(i);
    }
    for (int32_t v : op.outputs) {
      const ValueInfo& value = impl.values[static_cast<size_t>(v)];
      if (value.kind != ValueKind::kIntermediate && value.kind != ValueKind::kOutput)
        throw Error("op " + std::to_string(i) + " '" + op.name + "' writes '" + value.name +
                    "', which is not an intermediate or output value");
      if (ready[static_cast<size_t>(v)])
        throw Error("value '" + value.name + "' is written twice (again by op '" + op.name + "')");
      ready[static_cast<size_t>(v)] = true;
    }
  }
  std::vector<bool> listed(impl.values.size(), false);
  for (int32_t v : impl.outputs) {
    const ValueInfo& value = impl.values[static_cast<size_t>(v)];
    if (value.kind != ValueKind::kOutput || value.dtype != DType::F32 ||
        !ready[static_cast<size_t>(v)] || value.shape.size() > static_cast<size_t>(kMaxRank))
      throw Error("graph output '" + value.name + "' must be an f32 output value of rank <= " +
                  std::to_string(kMaxRank) + " written by an op");
    if (listed[static_cast<size_t>(v)])
      throw Error("graph output '" + value.name + "' is listed twice");
    listed[static_cast<size_t>(v)] = true;
  }
  for (size_t v = 0; v < impl.values.size(); ++v)
    if (impl.values[v].kind == ValueKind::kOutput && !listed[v])
      throw Error("output value '" + impl.values[v].name + "' is not a graph output");
  return last_read;
}

// Ids index tables: record each table's size so run() can reject bad ids.
void derive_input_limits(Model::Impl& impl) {
  for (const OpInfo& op : impl.ops) {
    // An unfused embedding: a generic Gather of a table by a graph input.
    if (op.kind == OpKind::Gather && op.axis == 0 &&
        impl.values[static_cast<size_t>(op.inputs[0])].kind == ValueKind::kWeight) {
      for (InputLimit& limit : impl.input_limits)
        if (limit.value == op.inputs[1])
          limit.index_bound = impl.values[static_cast<size_t>(op.inputs[0])].shape[0].factor;
    }
    if (op.kind != OpKind::EmbedLayerNorm) continue;
    for (InputLimit& limit : impl.input_limits) {
      if (limit.value == op.inputs[0])
        limit.index_bound = impl.values[static_cast<size_t>(op.inputs[3])].shape[0].factor;
      if (limit.value == op.inputs[1])
        limit.index_bound = impl.values[static_cast<size_t>(op.inputs[5])].shape[0].factor;
      if (limit.value == op.inputs[2]) limit.binary = true;
    }
  }
}

void plan_model_arena(Model::Impl& impl, const std::vector<int32_t>& last_read) {
  std::vector<ArenaBuffer> buffers;
  std::vector<int32_t> buffer_value;
  const auto last_op = static_cast<int32_t>(impl.ops.size()) - 1;
  for (size_t i = 0; i < impl.ops.size(); ++i) {
    for (int32_t v : impl.ops[i].outputs) {
      const ValueInfo& value = impl.values[static_cast<size_t>(v)];
      // Outputs stay alive to the end: the caller reads them after run().
      const int32_t last =
          value.kind == ValueKind::kOutput
              ? last_op
              : std::max(last_read[static_cast<size_t>(v)], static_cast<int32_t>(i));
      buffers.push_back(ArenaBuffer{value.max_bytes, static_cast<int32_t>(i), last});
      buffer_value.push_back(v);
    }
  }
  impl.arena = plan_arena(buffers);
  impl.arena_offset.assign(impl.values.size(), -1);
  for (size_t b = 0; b < buffers.size(); ++b)
    impl.arena_offset[static_cast<size_t>(buffer_value[b])] =
        static_cast<int64_t>(impl.arena.offsets[b]);
}

}  // namespace

void check_model(Model::Impl& impl) {
  check_value_names(impl);
  check_graph_inputs(impl);
  const std::vector<int32_t> last_read = check_wiring(impl);
  for (size_t i = 0; i < impl.ops.size(); ++i) {
    const OpInfo& op = impl.ops[i];
    const OpChecker checker(impl, op, i);
    switch (op.kind) {
      case OpKind::EmbedLayerNorm:
        check_embed_layer_norm(checker, op, impl.max_seq);
        break;
      case OpKind::MatMul:
        check_matmul(checker, op);
        break;
      case OpKind::Attention:
        check_attention(checker, op);
        break;
      case OpKind::AddLayerNorm:
        check_add_layer_norm(checker, op);
        break;
      case OpKind::Pooler:
        check_pooler(checker);
        break;
      default:
        check_generic_op(checker, op, impl.max_batch, impl.max_seq);
        break;
    }
  }
  derive_input_limits(impl);
  for (const InputLimit& limit : impl.input_limits)
    if (last_read[static_cast<size_t>(limit.value)] < 0)
      throw Error("graph input '" + impl.values[static_cast<size_t>(limit.value)].name +
                  "' is read by no op");
  check_ragged_support(impl);
  plan_model_arena(impl, last_read);
}

}  // namespace minirt
