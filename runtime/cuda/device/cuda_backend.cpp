// CUDA backend: one device arena per session at the planner's offsets (fp16
// activations fit the fp32 slots), the model's fp16 weights shared by its
// sessions, one stream per session. Each run shape's op list is captured
// once into a CUDA graph (input copies from pinned staging, the kernels, the
// fp32 outputs back into pinned staging) and replayed from a bounded cache.
#include "runtime/cuda/device/cuda_backend.h"

#include <cstring>
#include <string>
#include <vector>

#include "ops/cuda/kernels.h"
#include "runtime/cuda/cuda_ops.h"
#include "runtime/cuda/device/cuda_memory.h"
#include "runtime/cuda/device/device_weights.h"
#include "runtime/cuda/graph_cache.h"

namespace minirt {
namespace {

// The device this session runs on (device 0): an Error when the machine has
// no usable one, never a crash.
int select_device() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess)
    throw Error(std::string("device cuda: no usable CUDA device: cudaGetDeviceCount failed: ") +
                cudaGetErrorString(status));
  if (count == 0) throw Error("device cuda: no usable CUDA device: cudaGetDeviceCount found none");
  constexpr int kDevice = 0;
  MINIRT_CUDA_CALL(cudaSetDevice(kDevice));
  cudaDeviceProp prop{};
  MINIRT_CUDA_CALL(cudaGetDeviceProperties(&prop, kDevice));
  // mma.sync m16n8k16 with f16 inputs and cp.async need sm_80.
  if (prop.major < 8)
    throw Error("device cuda: " + std::string(prop.name) + " has compute capability " +
                std::to_string(prop.major) + "." + std::to_string(prop.minor) +
                "; minirt's CUDA kernels need 8.0 or later");
  return kDevice;
}

class CudaBackend final : public Backend {
 public:
  CudaBackend(const Model::Impl& model, const SessionOptions& options)
      : model_(model), tensors_(model.values.size(), nullptr) {
    check_cuda_session(model, options);
    device_ = select_device();
    weights_ = shared_device_weights(model, device_);
    cudaStream_t stream = nullptr;
    MINIRT_CUDA_CALL(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    stream_ = CudaStream(stream);
    arena_ = device_alloc(model.arena.total_bytes);
    extra_bytes_ = 0;
    const size_t max_tokens = static_cast<size_t>(model.max_batch) * model.max_seq;
    for (size_t i = 0; i < model.inputs.size(); ++i) {
      device_inputs_.push_back(device_alloc(max_tokens * sizeof(int64_t)));
      pinned_inputs_.push_back(pinned_alloc(max_tokens * sizeof(int64_t)));
      extra_bytes_ += max_tokens * sizeof(int64_t);
    }
    for (int32_t v : model.outputs) {
      const size_t bytes = model.values[static_cast<size_t>(v)].max_bytes;
      device_outputs_.push_back(device_alloc(bytes));
      pinned_outputs_.push_back(pinned_alloc(bytes));
      output_ptrs_.push_back(static_cast<float*>(device_outputs_.back().get()));
      extra_bytes_ += bytes;
    }
    for (size_t v = 0; v < model.values.size(); ++v) {
      if (model.values[v].kind == ValueKind::kWeight) tensors_[v] = weights_->data(v);
      if (model.arena_offset[v] >= 0)
        tensors_[v] = static_cast<uint8_t*>(arena_.get()) + model.arena_offset[v];
    }
  }

  const char* name() const override { return "cuda"; }
  size_t arena_bytes() const override { return model_.arena.total_bytes + extra_bytes_; }

  void run(const RunShape& run, std::span<const int64_t* const> graph_inputs) override {
    check_cuda_run(run);
    GraphKey key{run.batch, run.seq, 0};
    for (size_t i = 0; i < graph_inputs.size(); ++i) {
      if (!graph_inputs[i]) continue;
      key.given_inputs |= 1u << i;
      std::memcpy(pinned_inputs_[i].get(), graph_inputs[i],
                  static_cast<size_t>(run.tokens) * sizeof(int64_t));
    }
    CudaGraphExec* graph = graphs_.find(key);
    if (!graph) graph = &graphs_.insert(key, capture(run, key));
    MINIRT_CUDA_CALL(cudaGraphLaunch(graph->get(), stream_.get()));
    MINIRT_CUDA_CALL(cudaStreamSynchronize(stream_.get()));
  }

  OutputData output(size_t i) const override {
    return {static_cast<const float*>(pinned_outputs_[i].get()), MemorySpace::kHost};
  }
  std::span<const OpProfile> op_profile() const override { return {}; }
  void clear_op_profile() override {}

 private:
  // The run as one graph: input copies, every kernel, output copies.
  CudaGraphExec capture(const RunShape& run, const GraphKey& key) {
    for (size_t i = 0; i < model_.inputs.size(); ++i) {
      tensors_[static_cast<size_t>(model_.inputs[i])] =
          key.given_inputs & (1u << i) ? device_inputs_[i].get() : nullptr;
    }
    run_launches(model_, tensors_, output_ptrs_, run, launches_);
    MINIRT_CUDA_CALL(cudaStreamBeginCapture(stream_.get(), cudaStreamCaptureModeThreadLocal));
    try {
      enqueue_run(run, key);
    } catch (...) {
      cudaGraph_t broken = nullptr;
      cudaStreamEndCapture(stream_.get(), &broken);  // leaves the stream usable
      if (broken) cudaGraphDestroy(broken);
      throw;
    }
    cudaGraph_t graph = nullptr;
    MINIRT_CUDA_CALL(cudaStreamEndCapture(stream_.get(), &graph));
    const CudaGraph owned(graph);
    cudaGraphExec_t exec = nullptr;
    MINIRT_CUDA_CALL(cudaGraphInstantiate(&exec, graph, 0));
    return CudaGraphExec(exec);
  }

  void enqueue_run(const RunShape& run, const GraphKey& key) {
    const size_t input_bytes = static_cast<size_t>(run.tokens) * sizeof(int64_t);
    for (size_t i = 0; i < model_.inputs.size(); ++i) {
      if (!(key.given_inputs & (1u << i))) continue;
      MINIRT_CUDA_CALL(cudaMemcpyAsync(device_inputs_[i].get(), pinned_inputs_[i].get(),
                                       input_bytes, cudaMemcpyHostToDevice, stream_.get()));
    }
    for (const cuda::FusedLaunch& launch : launches_)
      MINIRT_CUDA_CALL(cuda::enqueue(stream_.get(), launch));
    for (size_t i = 0; i < model_.outputs.size(); ++i) {
      const ValueInfo& value = model_.values[static_cast<size_t>(model_.outputs[i])];
      MINIRT_CUDA_CALL(cudaMemcpyAsync(pinned_outputs_[i].get(), device_outputs_[i].get(),
                                       static_cast<size_t>(value.numel(run)) * sizeof(float),
                                       cudaMemcpyDeviceToHost, stream_.get()));
    }
  }

  const Model::Impl& model_;
  int device_ = 0;
  std::shared_ptr<const DeviceWeights> weights_;
  CudaStream stream_;
  DeviceMemory arena_;
  std::vector<DeviceMemory> device_inputs_, device_outputs_;
  std::vector<PinnedMemory> pinned_inputs_, pinned_outputs_;
  std::vector<float*> output_ptrs_;  // device_outputs_ as the launches take them
  size_t extra_bytes_ = 0;           // inputs and outputs besides the arena
  std::vector<void*> tensors_;       // per value: fp16 weight, arena slot or device input
  std::vector<cuda::FusedLaunch> launches_;
  GraphCache<CudaGraphExec> graphs_;  // after stream_: destroyed before it
};

}  // namespace

std::unique_ptr<Backend> make_cuda_backend(const Model::Impl& model,
                                           const SessionOptions& options) {
  return std::make_unique<CudaBackend>(model, options);
}

}  // namespace minirt
