// The JIT MatMul of one op, packed and generated once per model and shared
// by all its sessions (cpu::MatMul::run is const and keeps no state).
#pragma once

#include <memory>

#include "ops/cpu/cpu_isa.h"
#include "ops/cpu/matmul.h"
#include "runtime/cpu/cpu_op.h"

namespace minirt {

// nullptr where the ISA has no JIT path: the op then runs the reference kernel.
inline std::shared_ptr<const cpu::MatMul> shared_matmul(const CpuOpSetup& setup,
                                                        const cpu::MatMulWeights& weights) {
  return setup.model.prepared.get_or_make<cpu::MatMul>(
      setup.op_index(), static_cast<int>(cpu_isa_in_use()),
      [&] { return std::shared_ptr<const cpu::MatMul>(cpu::make_matmul(weights)); });
}

}  // namespace minirt
