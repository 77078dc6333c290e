// CPU backend: one 64-byte-aligned arena per session, a tensor pointer per
// value fixed at construction, and the op list prepared once into CpuOps.
#include "runtime/cpu/cpu_backend.h"

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "ops/cpu/cpu_isa.h"
#include "runtime/cpu/cpu_op.h"
#include "runtime/threads/thread_pool.h"

namespace minirt {
namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

// The kernel family the ops pick for the ISA in use (ref where no JIT path exists).
const char* matmul_kernels_name(CpuIsa isa, MatMulPrecision precision) {
  if (precision == MatMulPrecision::kBFloat16) return "jit-avx512-bf16";
  if (precision == MatMulPrecision::kInt8) return "jit-avx512-int8";
  if (isa >= CpuIsa::kAvx512) return "jit-avx512";
  if (isa >= CpuIsa::kAvx2) return "jit-avx2";
  return "reference";
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

// Attention's products in a session: bf16 in a reduced-precision session
// (unless SessionOptions::bf16_attention is off) where the CPU has
// AVX512-BF16, else fp32. Heads wider than the fused kernels take run the
// reference kernel, fp32, whatever this says.
cpu::AttentionProducts attention_products(MatMulPrecision precision, bool bf16_attention) {
  const bool wanted = precision != MatMulPrecision::kFloat32 && bf16_attention;
  return cpu::attention_products_for(
      cpu_isa_in_use(), cpu::kAttentionMaxHeadDim,
      wanted ? cpu::AttentionProducts::kBFloat16 : cpu::AttentionProducts::kFloat32);
}

class CpuBackend final : public Backend {
 public:
  CpuBackend(const Model::Impl& model, const SessionOptions& options)
      : model_(model),
        precision_(checked_matmul_precision(options.precision)),
        attention_products_(attention_products(precision_, options.bf16_attention)),
        name_(std::string(matmul_kernels_name(cpu_isa_in_use(), precision_)) +
              (attention_products_ == cpu::AttentionProducts::kBFloat16 ? ", attention bf16" : "")),
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
      ops_.push_back(make_cpu_op(
          CpuOpSetup{BoundOp(model, op, tensors_), precision_, attention_products_, scratch_}));
    scratch_.allocate();
    if (options.profile) {
      for (const OpInfo& op : model.ops)
        profile_.push_back({op.name.c_str(), fb::EnumNameOpParams(op.kind)});
    }
  }

  const char* name() const override { return name_.c_str(); }
  size_t arena_bytes() const override { return model_.arena.total_bytes + scratch_.bytes(); }

  void run(const RunShape& run, std::span<const int64_t* const> graph_inputs) override {
    for (size_t i = 0; i < model_.inputs.size(); ++i)
      tensors_[static_cast<size_t>(model_.inputs[i])] = const_cast<int64_t*>(graph_inputs[i]);
    if (profile_.empty() && !observer_) {
      for (const auto& op : ops_) op->run(run, pool_);
      return;
    }
    for (size_t i = 0; i < ops_.size(); ++i) {
      if (observer_) observer_->before_op(i, model_.ops[i], run, tensors_);
      if (profile_.empty()) {
        ops_[i]->run(run, pool_);
        continue;
      }
      const auto start = std::chrono::steady_clock::now();
      ops_[i]->run(run, pool_);
      const std::chrono::duration<double, std::micro> took =
          std::chrono::steady_clock::now() - start;
      profile_[i].total_us += took.count();
      ++profile_[i].runs;
    }
  }

  OutputData output(size_t i) const override {
    return {static_cast<const float*>(tensors_[static_cast<size_t>(model_.outputs[i])]),
            MemorySpace::kHost};
  }

  std::span<const OpProfile> op_profile() const override { return profile_; }
  void set_observer(RunObserver* observer) override { observer_ = observer; }
  void clear_op_profile() override {
    for (OpProfile& entry : profile_) {
      entry.total_us = 0.0;
      entry.runs = 0;
    }
  }

 private:
  const Model::Impl& model_;
  MatMulPrecision precision_;
  const cpu::AttentionProducts attention_products_;
  const std::string name_;  // fixed at construction, as the ops' kernel choices are
  ThreadPool pool_;
  std::unique_ptr<uint8_t, FreeDeleter> arena_;
  std::vector<void*> tensors_;  // per value: weight, arena slot or caller input
  ScratchBuffer scratch_;       // before ops_, which hold references to it
  std::vector<std::unique_ptr<CpuOp>> ops_;
  std::vector<OpProfile> profile_;   // one per op when profiling, else empty
  RunObserver* observer_ = nullptr;  // run_observer.h
};

}  // namespace

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
