// The public Model: load, and read-only descriptions of what was loaded.
#include <cstdio>

#include "runtime/model/api_errors.h"
#include "runtime/model/mapped_file.h"
#include "runtime/model/model_impl.h"

namespace minirt {
namespace {

ModelSummary summary_of(const Model::Impl& m) {
  ModelSummary s;
  s.producer = m.producer;
  s.source = m.source;
  s.metadata = m.metadata;
  s.max_batch = m.max_batch;
  s.max_seq = m.max_seq;
  s.max_tokens = m.max_tokens;
  s.ragged_refusal = m.ragged_refusal;
  s.file_bytes = m.file->bytes().size();
  s.weight_bytes = m.weight_bytes;
  s.num_ops = m.ops.size();
  for (const InputLimit& limit : m.input_limits)
    s.inputs.push_back(
        {m.values[static_cast<size_t>(limit.value)].name, limit.index_bound, limit.binary});
  for (int32_t v : m.outputs) s.outputs.push_back(m.values[static_cast<size_t>(v)].name);
  return s;
}

std::vector<std::string> op_lines(const Model::Impl& m) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < m.ops.size(); ++i) {
    const OpInfo& op = m.ops[i];
    std::string kind = fb::EnumNameOpParams(op.kind);
    if (op.kind == OpKind::MatMul && op.activation != Activation::kNone)
      kind += std::string("(") + activation_name(op.activation) + ")";
    // A kept MatMul (minirt-convert --min-cosine) says how far it may go down.
    if (op.kind == OpKind::MatMul && op.precision_floor == fb::PrecisionFloor::BF16)
      kind += "[at most bf16]";
    if (op.kind == OpKind::MatMul && op.precision_floor == fb::PrecisionFloor::F32)
      kind += "[fp32]";
    // A static int8 input scale (a QDQ model's or calibration's).
    if (op.kind == OpKind::MatMul && op.input_quantization) {
      char quant[64];
      std::snprintf(quant, sizeof quant, "[int8 in %.3g z%d]", op.input_quantization->scale,
                    op.input_quantization->zero_point);
      kind += quant;
    }
    if (op.kind == OpKind::Attention)
      kind +=
          "(heads=" + std::to_string(op.num_heads) + ",dim=" + std::to_string(op.head_dim) + ")";
    if (op.kind == OpKind::Attention && op.fp32_attention)
      kind += "[fp32]";  // its or its QKV's floor
    auto list = [&](const std::vector<int32_t>& values) {
      std::string out;
      for (int32_t v : values) {
        if (v < 0) continue;
        const ValueInfo& value = m.values[static_cast<size_t>(v)];
        if (value.kind == ValueKind::kWeight) continue;
        out += (out.empty() ? "" : " ") + value.name + value.shape_str();
      }
      return out;
    };
    char head[96];
    std::snprintf(head, sizeof head, "%3zu %-28s %-32s ", i, kind.c_str(), op.name.c_str());
    lines.push_back(head + list(op.inputs) + " -> " + list(op.outputs));
  }
  return lines;
}

}  // namespace

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;
Model::Impl::~Impl() = default;

std::shared_ptr<const Model> Model::load(const std::string& path, const LoadOptions& options) {
  return rethrow_as_error([&] {
    auto impl = load_model_impl(std::make_unique<MappedFile>(path), options);
    return std::shared_ptr<const Model>(new Model(std::move(impl)));
  });
}

std::shared_ptr<const Model> Model::load_from_memory(std::span<const uint8_t> bytes,
                                                     const std::string& name,
                                                     const LoadOptions& options) {
  return rethrow_as_error([&] {
    auto impl = load_model_impl(std::make_unique<AlignedCopy>(bytes, name), options);
    return std::shared_ptr<const Model>(new Model(std::move(impl)));
  });
}

const Tokenizer* Model::tokenizer() const { return impl_->tokenizer.get(); }

ModelSummary Model::summary() const {
  return rethrow_as_error([&] { return summary_of(*impl_); });
}

std::vector<std::string> Model::describe_ops() const {
  return rethrow_as_error([&] { return op_lines(*impl_); });
}

size_t Model::arena_bytes() const { return impl_->arena.total_bytes; }

std::string Model::plan_dump() const {
  return rethrow_as_error([&] { return impl_->arena.dump(); });
}

Int64Tensor::Int64Tensor(const int64_t* d, std::initializer_list<int64_t> dims) : data(d) {
  if (dims.size() > static_cast<size_t>(kMaxRank))
    throw Error("tensor rank " + std::to_string(dims.size()) + " is above " +
                std::to_string(kMaxRank));
  for (int64_t dim : dims) shape[static_cast<size_t>(rank++)] = dim;
}

const Int64Tensor* Inputs::find(std::string_view name) const {
  if (name == "input_ids") return &input_ids;
  if (name == "attention_mask") return &attention_mask;
  if (name == "token_type_ids") return &token_type_ids;
  return nullptr;
}

Int64Tensor* Inputs::find(std::string_view name) {
  return const_cast<Int64Tensor*>(static_cast<const Inputs*>(this)->find(name));
}

int64_t OutputView::numel() const {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= shape[static_cast<size_t>(i)];
  return n;
}

}  // namespace minirt
