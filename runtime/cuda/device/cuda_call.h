// Every CUDA runtime call goes through MINIRT_CUDA_CALL: a failure becomes a
// minirt::Error naming the call and the runtime's own words for the error.
#pragma once

#include <cuda_runtime_api.h>

#include <string>

#include "minirt/minirt.h"

namespace minirt {

inline void cuda_check(cudaError_t status, const char* call) {
  if (status == cudaSuccess) return;
  throw Error(std::string("device cuda: ") + call + " failed: " + cudaGetErrorString(status) +
              " (" + cudaGetErrorName(status) + ")");
}

}  // namespace minirt

#define MINIRT_CUDA_CALL(call) ::minirt::cuda_check((call), #call)
