// CPU backend: one 64-byte-aligned arena per session, a tensor pointer per
// value fixed at construction, and the op list prepared once into CpuOps.
#include <chrono>
#include <cstdlib>
#include <vector>

#include "ops/cpu/cpu_isa.h"
#include "ops/cpu/jit/matmul_kernel.h"
#include "runtime/cpu/cpu_op.h"
#include "runtime/session/backend.h"
#include "runtime/threads/thread_pool.h"

namespace minirt {
namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// The kernel family the ops pick for the ISA in use (ref where no JIT path exists).
const char* kernels_name(CpuIsa isa, MatMulPrecision precision) {
  if (precision == MatMulPrecision::kBFloat16) return "jit-avx512-bf16";
  if (precision == MatMulPrecision::kInt8) return "jit-avx512-int8";
  if (isa >= CpuIsa::kAvx512) return "jit-avx512";
  if (isa >= CpuIsa::kAvx2) return "jit-avx2";
  return "reference";
}

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
    case OpKind::kElementwise:
    case OpKind::kExpand:
      return make_cpu_elementwise(setup);
    case OpKind::kGenericMatMul:
    case OpKind::kGemm:
      return make_cpu_generic_matmul(setup);
    case OpKind::kSoftmax:
      return make_cpu_softmax(setup);
    case OpKind::kLayerNormalization:
      return make_cpu_layer_normalization(setup);
    case OpKind::kReduceMean:
      return make_cpu_reduce_mean(setup);
    case OpKind::kReshape:
      return make_cpu_reshape(setup);
    case OpKind::kTranspose:
      return make_cpu_transpose(setup);
    case OpKind::kGather:
    case OpKind::kGatherND:
      return make_cpu_gather(setup);
    case OpKind::kSlice:
      return make_cpu_slice(setup);
    case OpKind::kConcat:
      return make_cpu_concat(setup);
    case OpKind::kRange:
    case OpKind::kDimValues:
      return make_cpu_range(setup);
  }
  throw Error("op '" + setup.op.name + "' has no CPU implementation");
}

// A reduced precision only where its kernels exist: a clear error, not a
// silent fp32 run (the caller chose a speed and accuracy trade).
MatMulPrecision checked_matmul_precision(Precision precision) {
  const MatMulPrecision wanted = matmul_precision(precision);
  if (precision_supported(precision)) return wanted;
  const CpuIsa isa = cpu_isa_in_use();
  const char* feature = wanted == MatMulPrecision::kBFloat16
                            ? "AVX512-BF16 (Zen 4 and later, Sapphire Rapids and later)"
                            : "AVX512-VNNI (Cascade Lake, Ice Lake and later, Zen 4 and later)";
  throw Error(std::string("precision ") + matmul_precision_name(wanted) + " needs a CPU with " +
              feature + "; the kernels in use here are " + cpu_isa_name(isa) +
              (cpu_isa_detected() != isa ? " (capped by MINIRT_MAX_ISA)" : ""));
}

class CpuBackend final : public Backend {
 public:
  CpuBackend(const Model::Impl& model, const SessionOptions& options)
      : model_(model),
        precision_(checked_matmul_precision(options.precision)),
        pool_(options.threads),
        tensors_(model.values.size(), nullptr) {
    const size_t bytes = std::max(model.arena.total_bytes, kArenaAlignment);
    arena_.reset(static_cast<uint8_t*>(std::aligned_alloc(kArenaAlignment, bytes)));
    if (!arena_) throw Error("cannot allocate a " + std::to_string(bytes) + "-byte arena");
    for (size_t v = 0; v < model.values.size(); ++v) {
      const ValueInfo& value = model.values[v];
      if (value.kind == ValueKind::kWeight) tensors_[v] = const_cast<uint8_t*>(value.weight);
      if (model.arena_offset[v] >= 0) tensors_[v] = arena_.get() + model.arena_offset[v];
    }
    for (const OpInfo& op : model.ops)
      ops_.push_back(prepare_op(CpuOpSetup{model, op, tensors_, precision_, scratch_}));
    scratch_.allocate();
    if (options.profile) {
      for (const OpInfo& op : model.ops)
        profile_.push_back({op.name.c_str(), op_kind_name(op.kind)});
    }
  }

  const char* name() const override { return kernels_name(cpu_isa_in_use(), precision_); }
  size_t arena_bytes() const override { return model_.arena.total_bytes + scratch_.bytes(); }

  void run(int64_t batch, int64_t seq, std::span<const int64_t* const> graph_inputs) override {
    for (size_t i = 0; i < model_.inputs.size(); ++i)
      tensors_[static_cast<size_t>(model_.inputs[i])] = const_cast<int64_t*>(graph_inputs[i]);
    if (profile_.empty()) {
      for (const auto& op : ops_) op->run(batch, seq, pool_);
      return;
    }
    for (size_t i = 0; i < ops_.size(); ++i) {
      const auto start = std::chrono::steady_clock::now();
      ops_[i]->run(batch, seq, pool_);
      const std::chrono::duration<double, std::micro> took =
          std::chrono::steady_clock::now() - start;
      profile_[i].total_us += took.count();
      ++profile_[i].runs;
    }
  }

  const float* output(size_t i) const override {
    return static_cast<const float*>(tensors_[static_cast<size_t>(model_.outputs[i])]);
  }

  std::span<const OpProfile> op_profile() const override { return profile_; }
  void clear_op_profile() override {
    for (OpProfile& entry : profile_) {
      entry.total_us = 0.0;
      entry.runs = 0;
    }
  }

 private:
  const Model::Impl& model_;
  MatMulPrecision precision_;
  ThreadPool pool_;
  std::unique_ptr<uint8_t, FreeDeleter> arena_;
  std::vector<void*> tensors_;  // per value: weight, arena slot or caller input
  ScratchBuffer scratch_;       // before ops_, which hold references to it
  std::vector<std::unique_ptr<CpuOp>> ops_;
  std::vector<OpProfile> profile_;  // one per op when profiling, else empty
};

}  // namespace

bool precision_supported(Precision precision) {
  if (precision == Precision::kFloat32) return true;  // the reference kernels at worst
  return cpu_isa_in_use() >= jit::matmul_precision_isa(matmul_precision(precision));
}

void ScratchBuffer::allocate() {
  if (bytes_ == 0) return;
  const size_t rounded = (bytes_ + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
  data_.reset(std::aligned_alloc(kArenaAlignment, rounded));
  if (!data_) throw Error("cannot allocate " + std::to_string(rounded) + " bytes of op scratch");
}

std::unique_ptr<Backend> make_cpu_backend(const Model::Impl& model, const SessionOptions& options) {
  return std::make_unique<CpuBackend>(model, options);
}

}  // namespace minirt
