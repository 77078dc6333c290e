// CPU backend: one 64-byte-aligned arena per session, tensor pointers fixed at
// construction, and a dispatch over the op list onto the reference kernels.
#include <cstdlib>
#include <vector>

#include "ops/ref/kernels.h"
#include "runtime/session/backend.h"
#include "runtime/threads/thread_pool.h"

namespace minirt {
namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

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
  }

  const char* name() const override { return "reference"; }
  size_t arena_bytes() const override { return model_.arena.total_bytes; }

  void run(int64_t batch, int64_t seq, std::span<const int64_t* const> graph_inputs) override {
    for (size_t i = 0; i < model_.inputs.size(); ++i)
      tensors_[static_cast<size_t>(model_.inputs[i])] = const_cast<int64_t*>(graph_inputs[i]);
    for (const OpInfo& op : model_.ops) run_op(op, batch, seq);
  }

  const float* output(size_t i) const override { return f32(model_.outputs[i]); }

 private:
  float* f32(int32_t v) const {
    return v < 0 ? nullptr : static_cast<float*>(tensors_[static_cast<size_t>(v)]);
  }
  const int64_t* i64(int32_t v) const {
    return static_cast<const int64_t*>(tensors_[static_cast<size_t>(v)]);
  }
  const ValueInfo& value(int32_t v) const { return model_.values[static_cast<size_t>(v)]; }
  int64_t last_dim(int32_t v) const { return value(v).shape.back().factor; }

  void run_op(const OpInfo& op, int64_t batch, int64_t seq) {
    const auto& in = op.inputs;
    switch (op.kind) {
      case OpKind::kEmbedLayerNorm: {
        ref::EmbedLayerNormArgs args;
        args.input_ids = i64(in[0]);
        args.token_type_ids = i64(in[1]);
        args.attention_mask = i64(in[2]);
        args.word = f32(in[3]);
        args.position = f32(in[4]);
        args.token_type = f32(in[5]);
        args.gamma = f32(in[6]);
        args.beta = f32(in[7]);
        args.batch = batch;
        args.seq = seq;
        args.hidden = last_dim(in[3]);
        args.epsilon = op.epsilon;
        args.dst = f32(op.outputs[0]);
        args.mask_bias = f32(op.outputs[1]);
        ref::embed_layer_norm(args, pool_);
        return;
      }
      case OpKind::kMatMul: {
        ref::MatMulArgs args;
        args.src = f32(in[0]);
        args.weight = f32(in[1]);
        args.bias = f32(in[2]);
        args.residual = f32(in[3]);
        args.dst = f32(op.outputs[0]);
        args.k = last_dim(in[1]);
        args.n = value(in[1]).shape[0].factor;
        args.m = value(in[0]).numel(batch, seq) / args.k;
        args.activation = op.activation;
        ref::matmul(args, pool_);
        return;
      }
      case OpKind::kAttention: {
        ref::AttentionArgs args;
        args.qkv = f32(in[0]);
        args.mask_bias = f32(in[1]);
        args.dst = f32(op.outputs[0]);
        args.batch = batch;
        args.seq = seq;
        args.num_heads = op.num_heads;
        args.head_dim = op.head_dim;
        args.scale = op.scale;
        ref::attention(args, pool_);
        return;
      }
      case OpKind::kAddLayerNorm: {
        ref::AddLayerNormArgs args;
        args.src = f32(in[0]);
        args.residual = f32(in[1]);
        args.gamma = f32(in[2]);
        args.beta = f32(in[3]);
        args.dst = f32(op.outputs[0]);
        args.hidden = last_dim(in[2]);
        args.rows = value(in[0]).numel(batch, seq) / args.hidden;
        args.epsilon = op.epsilon;
        ref::add_layer_norm(args, pool_);
        return;
      }
      case OpKind::kPooler: {
        ref::PoolerArgs args;
        args.hidden = f32(in[0]);
        args.weight = f32(in[1]);
        args.bias = f32(in[2]);
        args.dst = f32(op.outputs[0]);
        args.batch = batch;
        args.seq = seq;
        args.hidden_size = last_dim(in[1]);
        ref::pooler(args, pool_);
        return;
      }
    }
  }

  const Model::Impl& model_;
  ThreadPool pool_;
  std::unique_ptr<uint8_t, FreeDeleter> arena_;
  std::vector<void*> tensors_;  // per value: weight, arena slot or caller input
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend(const Model::Impl& model, int threads) {
  return std::make_unique<CpuBackend>(model, threads);
}

}  // namespace minirt
