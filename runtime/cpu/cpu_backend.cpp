// CPU backend: one 64-byte-aligned arena per session, a tensor pointer per
// value fixed at construction, and the op list prepared once into CpuOps.
#include <cstdlib>
#include <vector>

#include "runtime/cpu/cpu_op.h"
#include "runtime/session/backend.h"
#include "runtime/threads/thread_pool.h"

namespace minirt {
namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

std::unique_ptr<CpuOp> prepare_op(const CpuOpSetup& setup) {
  switch (setup.op.kind) {
    case OpKind::kEmbedLayerNorm:
      return make_cpu_embed_layer_norm(setup);
    case OpKind::kMatMul:
      return make_cpu_matmul(setup);
    case OpKind::kAttention:
      return make_cpu_attention(setup);
    case OpKind::kAddLayerNorm:
      return make_cpu_add_layer_norm(setup);
    case OpKind::kPooler:
      return make_cpu_pooler(setup);
  }
  throw Error("op '" + setup.op.name + "' has no CPU implementation");
}

class CpuBackend final : public Backend {
 public:
  CpuBackend(const Model::Impl& model, int threads)
      : model_(model), pool_(threads), tensors_(model.values.size(), nullptr) {
    const size_t bytes = std::max(model.arena.total_bytes, kArenaAlignment);
    arena_.reset(static_cast<uint8_t*>(std::aligned_alloc(kArenaAlignment, bytes)));
    if (!arena_) throw Error("cannot allocate a " + std::to_string(bytes) + "-byte arena");
    for (size_t v = 0; v < model.values.size(); ++v) {
      const ValueInfo& value = model.values[v];
      if (value.kind == ValueKind::kWeight) tensors_[v] = const_cast<uint8_t*>(value.weight);
      if (model.arena_offset[v] >= 0) tensors_[v] = arena_.get() + model.arena_offset[v];
    }
    for (const OpInfo& op : model.ops) ops_.push_back(prepare_op(CpuOpSetup{model, op, tensors_}));
  }

  const char* name() const override { return "reference"; }
  size_t arena_bytes() const override { return model_.arena.total_bytes; }

  void run(int64_t batch, int64_t seq, std::span<const int64_t* const> graph_inputs) override {
    for (size_t i = 0; i < model_.inputs.size(); ++i)
      tensors_[static_cast<size_t>(model_.inputs[i])] = const_cast<int64_t*>(graph_inputs[i]);
    for (const auto& op : ops_) op->run(batch, seq, pool_);
  }

  const float* output(size_t i) const override {
    return static_cast<const float*>(tensors_[static_cast<size_t>(model_.outputs[i])]);
  }

 private:
  const Model::Impl& model_;
  ThreadPool pool_;
  std::unique_ptr<uint8_t, FreeDeleter> arena_;
  std::vector<void*> tensors_;  // per value: weight, arena slot or caller input
  std::vector<std::unique_ptr<CpuOp>> ops_;
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(const Model::Impl& model, int threads) {
  return std::make_unique<CpuBackend>(model, threads);
}

}  // namespace minirt
