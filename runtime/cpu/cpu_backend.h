// The CPU backend: host memory, JIT kernels where the ISA has them, the
// reference kernels elsewhere.
#pragma once

#include <memory>

#include "ops/op_types.h"
#include "runtime/session/backend.h"

namespace minirt {

// The MatMul arithmetic a public Precision asks for.
MatMulPrecision matmul_precision(Precision precision);

// Throws Error when the options ask for what this CPU cannot run.
std::unique_ptr<Backend> make_cpu_backend(const Model::Impl& model, const SessionOptions& options);

}  // namespace minirt
