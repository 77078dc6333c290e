// The public Model: load, and read-only descriptions of what was loaded.
#include <cstdio>

#include "runtime/model/model_impl.h"

namespace minirt {

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

std::shared_ptr<const Model> Model::load(const std::string& path) {
  auto impl = load_model_impl(std::make_unique<MappedFile>(path));
  return std::shared_ptr<const Model>(new Model(std::move(impl)));
}

ModelSummary Model::summary() const {
  ModelSummary s;
  s.producer = impl_->producer;
  s.source = impl_->source;
  s.metadata = impl_->metadata;
  s.max_batch = impl_->max_batch;
  s.max_seq = impl_->max_seq;
  s.file_bytes = impl_->file->size();
  s.weight_bytes = impl_->weight_bytes;
  s.num_ops = impl_->ops.size();
  for (const InputLimit& limit : impl_->input_limits)
    s.inputs.push_back(
        {impl_->values[static_cast<size_t>(limit.value)].name, limit.index_bound, limit.binary});
  for (int32_t v : impl_->outputs) s.outputs.push_back(impl_->values[static_cast<size_t>(v)].name);
  return s;
}

std::vector<std::string> Model::describe_ops() const {
  std::vector<std::string> lines;
  for (size_t i = 0; i < impl_->ops.size(); ++i) {
    const OpInfo& op = impl_->ops[i];
    std::string kind = fb::EnumNameOpParams(op.kind);
    if (op.kind == OpKind::MatMul && op.activation != Activation::kNone)
      kind += std::string("(") + activation_name(op.activation) + ")";
    if (op.kind == OpKind::Attention)
      kind +=
          "(heads=" + std::to_string(op.num_heads) + ",dim=" + std::to_string(op.head_dim) + ")";
    std::string ios;
    auto list = [&](const std::vector<int32_t>& values) {
      std::string out;
      for (int32_t v : values) {
        if (v < 0) continue;
        const ValueInfo& value = impl_->values[static_cast<size_t>(v)];
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

size_t Model::arena_bytes() const { return impl_->arena.total_bytes; }

std::string Model::plan_dump() const { return impl_->arena.dump(); }

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
