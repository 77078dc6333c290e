// Picks a Session's backend by SessionOptions::device.
#include "runtime/cpu/cpu_backend.h"
#include "runtime/session/backend.h"
#if MINIRT_HAS_CUDA
#include "runtime/cuda/device/cuda_backend.h"
#endif

namespace minirt {

std::unique_ptr<Backend> make_backend(const Model::Impl& model, const SessionOptions& options) {
  switch (options.device) {
    case Device::kCpu:
      return make_cpu_backend(model, options);
    case Device::kCuda:
#if MINIRT_HAS_CUDA
      return make_cuda_backend(model, options);
#else
      throw Error("device cuda: this build of minirt has no CUDA backend (only cpu)");
#endif
  }
  throw Error("unknown device code " + std::to_string(static_cast<int>(options.device)));
}

}  // namespace minirt
