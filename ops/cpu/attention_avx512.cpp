// The fused attention kernel built for AVX-512.
#include "ops/cpu/attention.h"
#include "ops/cpu/vec_avx512.h"

MINIRT_TARGET_AVX512_BEGIN
#include "ops/cpu/attention_kernel.h"

void minirt::cpu::attention_avx512(const ref::AttentionArgs& args, Parallel& parallel) {
  attention_kernel<Fp32Products<VecAvx512>>(args, parallel);
}
MINIRT_TARGET_END
