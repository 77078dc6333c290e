// From a model's bytes (a mapped file or an aligned copy) to Model::Impl:
// the FlatBuffers verifier first, then a translation into plain structs with
// every index range-checked, then the per-op checks (model_check.cpp) and
// the arena plan.
#include <flatbuffers/flatbuffers.h>

#include <cstdint>
#include <limits>
#include <string>

#include "format/format_version.h"
#include "format/minirt_generated.h"
#include "ops/ref/generic_kernels.h"
#include "runtime/model/checked_math.h"
#include "runtime/model/model_check.h"
#include "runtime/model/model_impl.h"
#include "runtime/model/tokenizer_load.h"

namespace minirt {
namespace {

// Largest dim value or element count we accept: far above any BERT, far
// below int64 overflow when multiplied by element sizes.
constexpr int64_t kMaxElements = int64_t{1} << 40;

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw Error("invalid model '" + name + "': " + what);
}

ValueKind kind_from(fb::ValueKind kind) {
  switch (kind) {
    case fb::ValueKind::Input:
      return ValueKind::kInput;
    case fb::ValueKind::Output:
      return ValueKind::kOutput;
    case fb::ValueKind::Weight:
      return ValueKind::kWeight;
    case fb::ValueKind::Intermediate:
      return ValueKind::kIntermediate;
  }
  throw Error("unknown value kind code " + std::to_string(static_cast<int>(kind)));
}

std::string str_or_empty(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

ValueInfo read_value(const fb::Model& root, uint32_t index, const Model::Impl& impl) {
  const fb::Value* src = root.values()->Get(index);
  ValueInfo value;
  value.name = str_or_empty(src->name());
  const std::string where = "value " + std::to_string(index) + " '" + value.name + "'";
  if (!dtype_known(src->dtype()))
    throw Error(where + " has unknown dtype code " +
                std::to_string(static_cast<int>(src->dtype())));
  value.dtype = src->dtype();
  value.kind = kind_from(src->kind());
  if (!src->shape()) throw Error(where + " has no shape");
  check_element_alignment(src->shape(), where + ": the shape");
  // Graph inputs and outputs fit the API's kMaxRank (checked with the wiring);
  // intermediates of generic ops may reach the generic kernels' kMaxDims.
  if (src->shape()->size() > static_cast<uint32_t>(ref::kMaxDims))
    throw Error(where + " has rank " + std::to_string(src->shape()->size()) + ", above " +
                std::to_string(ref::kMaxDims));
  int64_t max_numel = 1;
  for (const fb::Dim* dim : *src->shape()) {
    const SymDim d = sym_dim_from(*dim, where);
    const int64_t at_max = checked_eval(d, {impl.max_batch, impl.max_seq}).value_or(-1);
    if (d.factor <= 0 || at_max <= 0 || at_max > kMaxElements)
      throw Error(where + " has an invalid or oversized dim " + d.str());
    if (max_numel > kMaxElements / at_max)
      throw Error(where + " holds more than 2^40 elements at max_batch " +
                  std::to_string(impl.max_batch) + ", max_seq " + std::to_string(impl.max_seq));
    max_numel *= at_max;
    value.shape.push_back(d);
  }
  value.max_bytes = static_cast<size_t>(max_numel) * dtype_size(value.dtype);

  if (value.kind == ValueKind::kWeight) {
    for (const SymDim& d : value.shape)
      if (d.batch || d.seq) throw Error(where + " is a weight with a symbolic shape");
    const auto* buffers = root.buffers();
    if (!buffers || src->buffer() >= buffers->size())
      throw Error(where + " names buffer " + std::to_string(src->buffer()) + ", out of range");
    const fb::Buffer* buffer = buffers->Get(src->buffer());
    if (!buffer->data() || buffer->data()->size() != value.max_bytes)
      throw Error(where + " expects " + std::to_string(value.max_bytes) +
                  " bytes of weights, buffer has " +
                  std::to_string(buffer->data() ? buffer->data()->size() : 0));
    value.weight = buffer->data()->data();
    if (reinterpret_cast<uintptr_t>(value.weight) % kArenaAlignment != 0)
      throw Error(where + " weight data is not 64-byte aligned in the file");
  }
  return value;
}

OpInfo read_op(const fb::Op& src, int32_t num_values) {
  OpInfo op;
  op.name = str_or_empty(src.name());
  // Only an optional input may be absent (-1).
  auto indices = [&](const flatbuffers::Vector<int32_t>* list, const char* role, int32_t lowest) {
    std::vector<int32_t> out;
    if (!list) return out;
    for (int32_t v : *list) {
      if (v < lowest || v >= num_values)
        throw Error("op '" + op.name + "' " + role + " index " + std::to_string(v) +
                    " is out of range");
      out.push_back(v);
    }
    return out;
  };
  op.inputs = indices(src.inputs(), "input", -1);
  op.outputs = indices(src.outputs(), "output", 0);
  // The verifier passes a known params type with a null table.
  const std::string kind = fb::EnumNameOpParams(src.params_type());
  if (src.params_type() != fb::OpParams::NONE && !kind.empty() && !src.params())
    throw Error("op '" + op.name + "' (" + kind + ") has no params table");
  switch (src.params_type()) {
    case fb::OpParams::EmbedLayerNorm:
      op.kind = OpKind::EmbedLayerNorm;
      op.epsilon = src.params_as_EmbedLayerNorm()->epsilon();
      break;
    case fb::OpParams::MatMul:
      op.kind = OpKind::MatMul;
      op.activation = activation_from(src.params_as_MatMul()->activation());
      op.precision_floor = precision_floor_from(src.params_as_MatMul()->precision_floor());
      if (const fb::StaticQuantization* q = src.params_as_MatMul()->input_quantization())
        op.input_quantization = StaticQuantization{q->scale(), q->zero_point()};
      break;
    case fb::OpParams::Attention: {
      const fb::Attention* attn = src.params_as_Attention();
      op.kind = OpKind::Attention;
      op.num_heads = attn->num_heads();
      op.head_dim = attn->head_dim();
      op.scale = attn->scale();
      op.precision_floor = precision_floor_from(attn->precision_floor());
      break;
    }
    case fb::OpParams::AddLayerNorm:
      op.kind = OpKind::AddLayerNorm;
      op.epsilon = src.params_as_AddLayerNorm()->epsilon();
      break;
    case fb::OpParams::Pooler:
      op.kind = OpKind::Pooler;
      break;
    default:
      if (read_generic_params(src, op)) break;
      throw Error("op '" + op.name + "' has unknown kind code " +
                  std::to_string(static_cast<int>(src.params_type())) +
                  " (written by a newer minirt-convert?)");
  }
  return op;
}

// A graph with no inputs is a constant graph (as the ONNX node tests build);
// outputs are always required.
std::vector<int32_t> read_index_list(const flatbuffers::Vector<int32_t>* list, int32_t num_values,
                                     const char* role, bool may_be_empty) {
  std::vector<int32_t> out;
  if ((!list || list->size() == 0) && may_be_empty) return out;
  if (!list || list->size() == 0) throw Error(std::string("the model lists no ") + role + "s");
  for (int32_t v : *list) {
    if (v < 0 || v >= num_values)
      throw Error(std::string(role) + " index " + std::to_string(v) + " is out of range");
    out.push_back(v);
  }
  return out;
}

}  // namespace

std::unique_ptr<Model::Impl> load_model_impl(std::unique_ptr<const ModelBytes> file,
                                             const LoadOptions& options) {
  const std::string& name = file->name();
  const uint8_t* bytes = file->bytes().data();
  const size_t size = file->bytes().size();
  if (size < 8)
    fail(name, "only " + std::to_string(size) + " bytes, too short to be a minirt model");
  if (!fb::ModelBufferHasIdentifier(bytes))
    fail(name, "file identifier is not '" + std::string(fb::ModelIdentifier()) +
                   "' (not a minirt model file)");
  if (size > FLATBUFFERS_MAX_BUFFER_SIZE) fail(name, "larger than 2 GiB");
  flatbuffers::Verifier verifier(bytes, size, /*max_depth=*/64, /*max_tables=*/10'000'000);
  if (!fb::VerifyModelBuffer(verifier))
    fail(name, "FlatBuffers verification failed (truncated or corrupt file)");

  const fb::Model& root = *fb::GetModel(bytes);
  if (root.version() > kFormatVersion)
    fail(name, "format version " + std::to_string(root.version()) +
                   " is newer than this minirt, "
                   "which reads versions " +
                   std::to_string(kOldestFormatVersion) + " to " + std::to_string(kFormatVersion) +
                   " (upgrade minirt, or convert with its own "
                   "minirt-convert)");
  if (root.version() < kOldestFormatVersion)
    fail(name, "format version " + std::to_string(root.version()) +
                   ", this minirt reads versions " + std::to_string(kOldestFormatVersion) + " to " +
                   std::to_string(kFormatVersion));

  auto impl = std::make_unique<Model::Impl>();
  try {
    impl->producer = str_or_empty(root.producer());
    impl->source = str_or_empty(root.source());
    if (root.metadata())
      for (const fb::KeyValue* kv : *root.metadata())
        impl->metadata.emplace_back(str_or_empty(kv->key()), str_or_empty(kv->value()));
    impl->max_batch = root.max_batch();
    impl->max_seq = root.max_seq();
    if (impl->max_batch <= 0 || impl->max_seq <= 0)
      throw Error("max_batch " + std::to_string(impl->max_batch) + " and max_seq " +
                  std::to_string(impl->max_seq) + " must be positive");
    if (root.max_tokens() < 0)
      throw Error("max_tokens " + std::to_string(root.max_tokens()) + " is negative");
    // Absent (0, and every version-1 file): the padded maximum.
    impl->max_tokens = root.max_tokens() > 0
                           ? root.max_tokens()
                           : std::min<int64_t>(int64_t{impl->max_batch} * impl->max_seq,
                                               std::numeric_limits<int32_t>::max());
    if (!root.values() || root.values()->size() == 0) throw Error("the model has no values");
    if (root.values()->size() > static_cast<uint32_t>(std::numeric_limits<int32_t>::max()))
      throw Error("too many values");
    const auto num_values = static_cast<int32_t>(root.values()->size());
    // Every value at once, padded: above the arena plan's total, so the
    // planner's sums cannot overflow when this one does not.
    int64_t activation_bytes = 0;
    for (int32_t v = 0; v < num_values; ++v) {
      const ValueInfo& value =
          impl->values.emplace_back(read_value(root, static_cast<uint32_t>(v), *impl));
      if (value.kind == ValueKind::kWeight) impl->weight_bytes += value.max_bytes;
      const std::optional<int64_t> sum =
          checked_add(activation_bytes,
                      static_cast<int64_t>(value.max_bytes + kArenaPadding + kArenaAlignment));
      if (!sum) throw Error("the values' sizes at max_batch and max_seq overflow");
      activation_bytes = *sum;
    }
    if (!root.ops() || root.ops()->size() == 0) throw Error("the model has no ops");
    for (const fb::Op* op : *root.ops()) impl->ops.push_back(read_op(*op, num_values));
    set_attention_floors(impl->ops);
    impl->inputs = read_index_list(root.inputs(), num_values, "graph input", true);
    impl->outputs = read_index_list(root.outputs(), num_values, "graph output", false);
    check_model(*impl);
    if (root.tokenizer()) impl->tokenizer = load_tokenizer(*root.tokenizer(), *impl);
    if (impl->arena.total_bytes > options.max_arena_bytes)
      throw Error("its activation arena at max_batch " + std::to_string(impl->max_batch) +
                  ", max_seq " + std::to_string(impl->max_seq) + ", max_tokens " +
                  std::to_string(impl->max_tokens) + " needs " +
                  std::to_string(impl->arena.total_bytes) + " bytes, above the limit of " +
                  std::to_string(options.max_arena_bytes) +
                  " (LoadOptions::max_arena_bytes; or convert with a smaller --max-batch, "
                  "--max-seq or --max-tokens)");
  } catch (const Error& e) {
    fail(name, e.what());
  }
  impl->file = std::move(file);
  return impl;
}

}  // namespace minirt
