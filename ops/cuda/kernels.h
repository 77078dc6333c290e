// The GPU side of ops/cuda/launch.h: enqueue a FusedLaunch's kernels on a
// stream (ops/cuda/kernels.cu, compiled by nvcc). For code that links the
// CUDA runtime only.
#pragma once

#include <cuda_runtime_api.h>

#include "ops/cuda/launch.h"

namespace minirt::cuda {

// cudaGetLastError() after the launches: a bad configuration shows here,
// a fault inside a kernel at the stream's next synchronization.
cudaError_t enqueue(cudaStream_t stream, const FusedLaunch& op);

}  // namespace minirt::cuda
