// The seam between a Session and the hardware that runs it. The CPU backend
// (runtime/cpu) runs kernels on host memory; a CUDA backend implements the
// same interface with device memory. Both bind tensors to op arguments
// through runtime/exec and differ only in memory and kernel choice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "ops/run_shape.h"
#include "runtime/model/model_impl.h"
#include "runtime/session/run_observer.h"

namespace minirt {

// Where a backend's tensor lies.
enum class MemorySpace { kHost, kDevice };

// A model output as its backend holds it.
struct OutputData {
  const float* data = nullptr;
  MemorySpace space = MemorySpace::kHost;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // Kernel family in use, e.g. "reference".
  virtual const char* name() const = 0;
  virtual size_t arena_bytes() const = 0;
  // Runs the op list for one validated request. graph_inputs[i] holds model
  // input i as [run.batch, run.seq] host int64, or nullptr for its default.
  virtual void run(const RunShape& run, std::span<const int64_t* const> graph_inputs) = 0;
  // Model output i, valid until the next run(). The CPU backend's outputs
  // are its host arena. A device backend hands outputs back in host memory
  // too: at the end of run() it copies each output into host staging it
  // allocated at construction (sized for the model's max batch and seq) and
  // returns that staging with kHost, so Session::run's OutputViews stay host
  // floats for every backend. kDevice is for a later API that lends device
  // pointers without the copy; Session::run refuses it.
  virtual OutputData output(size_t i) const = 0;
  // Per-op time when the backend was made with profile on, else empty.
  virtual std::span<const OpProfile> op_profile() const = 0;
  virtual void clear_op_profile() = 0;
  // run_observer.h: nullptr clears it. Backends whose tensors are not host
  // memory refuse.
  virtual void set_observer(RunObserver* observer) {
    if (observer) throw Error(std::string("backend ") + name() + " cannot observe runs");
  }
};

// The backend for options.device (runtime/session/backend_factory.cpp).
// Throws Error for a device this build has no backend for, or for options
// the device cannot run.
std::unique_ptr<Backend> make_backend(const Model::Impl& model, const SessionOptions& options);

}  // namespace minirt
