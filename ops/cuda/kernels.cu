// The CUDA kernels for the GPU: every FusedLaunch enqueued on a stream. This
// is the translation unit nvcc compiles into libminirt (CUDA builds) and the
// ptxas gate checks; launches.cuh instantiates each kernel it launches. The
// same kernel headers compile as host C++ in tests/simt against the emulator.
#include "ops/cuda/kernels.h"
#include "ops/cuda/launches.cuh"

namespace minirt::cuda {
namespace {

struct StreamLauncher {
  cudaStream_t stream;
  template <typename Params>
  void operator()(const LaunchShape& shape, void (*kernel)(Params), const Params& params) const {
    kernel<<<dim3(shape.grid_x, shape.grid_y, shape.grid_z), shape.threads, shape.shared_bytes,
             stream>>>(params);
  }
};

}  // namespace

cudaError_t enqueue(cudaStream_t stream, const FusedLaunch& op) {
  StreamLauncher launcher{stream};
  launch_fused(launcher, op);
  return cudaGetLastError();
}

}  // namespace minirt::cuda
