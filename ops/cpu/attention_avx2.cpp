// The fused attention kernel built for AVX2 + FMA.
#include "ops/cpu/attention.h"
#include "ops/cpu/vec_avx2.h"

MINIRT_TARGET_AVX2_BEGIN
#include "ops/cpu/attention_kernel.h"

void minirt::cpu::attention_avx2(const ref::AttentionArgs& args, Parallel& parallel) {
  attention_kernel<Fp32Products<VecAvx2>>(args, parallel);
}
MINIRT_TARGET_END
