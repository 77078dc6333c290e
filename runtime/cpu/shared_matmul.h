// The JIT MatMul of one op, packed and generated once per model and shared
// by all its sessions (cpu::MatMul::run is const and keeps no state).
#pragma once

#include <memory>

#include "ops/cpu/cpu_isa.h"
#include "ops/cpu/matmul.h"
#include "runtime/cpu/cpu_op.h"

namespace minirt {

// The precision one MatMul runs in: the session's, raised to the
// op's precision floor from the file (BF16: at most bf16, F32: fp32); a bf16
// floor on a CPU without bf16 kernels runs in fp32.
inline MatMulPrecision op_matmul_precision(MatMulPrecision session, fb::PrecisionFloor floor) {
  MatMulPrecision p = session;
  if (floor == fb::PrecisionFloor::F32) p = MatMulPrecision::kFloat32;
  if (floor == fb::PrecisionFloor::BF16 && p == MatMulPrecision::kInt8)
    p = cpu_isa_in_use() >= jit::matmul_precision_isa(MatMulPrecision::kBFloat16)
            ? MatMulPrecision::kBFloat16
            : MatMulPrecision::kFloat32;
  return p;
}

// nullptr where the ISA has no JIT path: the op then runs the reference
// kernel. weights.precision is overwritten by `precision`, and the session's
// scratch is reserved for `max_rows` rows. weights.weight points into the
// model's mapped file.
inline std::shared_ptr<const cpu::MatMul> shared_matmul(MatMulPrecision precision,
                                                        const CpuOpSetup& setup,
                                                        cpu::MatMulWeights weights,
                                                        int64_t max_rows) {
  weights.precision = precision;
  constexpr int kPrecisions = 3;
  const int variant =
      static_cast<int>(cpu_isa_in_use()) * kPrecisions + static_cast<int>(weights.precision);
  auto matmul =
      setup.bound.model().prepared.get_or_make<cpu::MatMul>(setup.bound.op_index(), variant, [&] {
        std::shared_ptr<const cpu::MatMul> made(cpu::make_matmul(weights));
        // Packed: the file's copy of the weight is not read again (a session of
        // another precision would page it back in), so it leaves resident memory.
        if (made)
          setup.bound.model().file->release(
              weights.weight, static_cast<size_t>(weights.n * weights.k) * sizeof(float));
        return made;
      });
  if (matmul) setup.scratch.reserve(matmul->scratch_bytes(max_rows));
  return matmul;
}

}  // namespace minirt
