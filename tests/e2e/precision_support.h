// Whether this machine (within MINIRT_MAX_ISA) has the MatMul kernels of a
// precision; tests of a reduced precision skip with the reason when not.
#pragma once

#include <string>

#include "minirt/minirt.h"
#include "ops/cpu/jit/matmul_kernel.h"
#include "runtime/cpu/cpu_backend.h"
#include "tests/unit/cpu_kernel_isas.h"

namespace minirt::test {

inline bool precision_runs_here(Precision precision) {
  INFO("precision " << std::string(precision_name(precision)));
  return isa_runs_here(jit::matmul_precision_isa(matmul_precision(precision)));
}

}  // namespace minirt::test
