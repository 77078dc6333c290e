// Owners of CUDA resources: device and pinned host buffers, a stream, an
// instantiated graph. Each frees its resource once; a failure to free (the
// context is already gone at process exit) is ignored, as a destructor must.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <utility>

#include "runtime/cuda/device/cuda_call.h"

namespace minirt {

template <typename Handle, cudaError_t (*kRelease)(Handle)>
class CudaHandle {
 public:
  CudaHandle() = default;
  explicit CudaHandle(Handle handle) : handle_(handle) {}
  CudaHandle(CudaHandle&& other) noexcept : handle_(std::exchange(other.handle_, Handle{})) {}
  CudaHandle& operator=(CudaHandle&& other) noexcept {
    std::swap(handle_, other.handle_);
    return *this;
  }
  ~CudaHandle() {
    if (handle_) kRelease(handle_);
  }
  Handle get() const { return handle_; }

 private:
  Handle handle_{};
};

using DeviceMemory = CudaHandle<void*, cudaFree>;
using PinnedMemory = CudaHandle<void*, cudaFreeHost>;
using CudaStream = CudaHandle<cudaStream_t, cudaStreamDestroy>;
using CudaGraph = CudaHandle<cudaGraph_t, cudaGraphDestroy>;
using CudaGraphExec = CudaHandle<cudaGraphExec_t, cudaGraphExecDestroy>;

// Never zero-sized, so a valid buffer always has a non-null pointer.
inline DeviceMemory device_alloc(size_t bytes) {
  void* p = nullptr;
  MINIRT_CUDA_CALL(cudaMalloc(&p, bytes > 0 ? bytes : 1));
  return DeviceMemory(p);
}

inline PinnedMemory pinned_alloc(size_t bytes) {
  void* p = nullptr;
  MINIRT_CUDA_CALL(cudaMallocHost(&p, bytes > 0 ? bytes : 1));
  return PinnedMemory(p);
}

}  // namespace minirt
