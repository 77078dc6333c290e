// The LayerNorm kernels built for AVX-512.
#include "ops/cpu/add_layer_norm.h"
#include "ops/cpu/embed_layer_norm.h"
#include "ops/cpu/vec_avx512.h"

MINIRT_TARGET_AVX512_BEGIN
#include "ops/cpu/layer_norm_kernels.h"

void minirt::cpu::add_layer_norm_avx512(const ref::AddLayerNormArgs& args, Parallel& parallel) {
  add_layer_norm_kernel<VecAvx512>(args, parallel);
}

void minirt::cpu::embed_layer_norm_avx512(const ref::EmbedLayerNormArgs& args, Parallel& parallel) {
  embed_layer_norm_kernel<VecAvx512>(args, parallel);
}
MINIRT_TARGET_END
