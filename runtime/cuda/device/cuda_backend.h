// The CUDA backend: fp16 kernels (ops/cuda) on the current GPU.
#pragma once

#include <memory>

#include "runtime/session/backend.h"

namespace minirt {

// Throws Error for a machine without a usable CUDA device, and for what
// check_cuda_session refuses.
std::unique_ptr<Backend> make_cuda_backend(const Model::Impl& model, const SessionOptions& options);

}  // namespace minirt
