// The seam between a Session and the hardware that runs it. The CPU backend
// runs kernels on host memory; a CUDA backend (issue 5) implements the same
// interface with device memory and graph replay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "ops/op_types.h"
#include "runtime/model/model_impl.h"

namespace minirt {

class Backend {
 public:
  virtual ~Backend() = default;
  // Kernel family in use, e.g. "reference".
  virtual const char* name() const = 0;
  virtual size_t arena_bytes() const = 0;
  // Runs the op list for one validated request. graph_inputs[i] holds model
  // input i as [batch, seq] int64, or nullptr for its default.
  virtual void run(const RunShape& run, std::span<const int64_t* const> graph_inputs) = 0;
  // Host pointer to model output i, valid until the next run().
  virtual const float* output(size_t i) const = 0;
  // Per-op time when the backend was made with profile on, else empty.
  virtual std::span<const OpProfile> op_profile() const = 0;
  virtual void clear_op_profile() = 0;
};

inline MatMulPrecision matmul_precision(Precision precision) {
  switch (precision) {
    case Precision::kBFloat16:
      return MatMulPrecision::kBFloat16;
    case Precision::kInt8:
      return MatMulPrecision::kInt8;
    case Precision::kFloat32:
      break;
  }
  return MatMulPrecision::kFloat32;
}

// Throws Error when the options ask for what this CPU cannot run.
std::unique_ptr<Backend> make_cpu_backend(const Model::Impl& model, const SessionOptions& options);

}  // namespace minirt
