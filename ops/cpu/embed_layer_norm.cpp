#include "ops/cpu/embed_layer_norm.h"

namespace minirt::cpu {

EmbedLayerNormKernel embed_layer_norm_kernel_for(CpuIsa isa) {
  if (isa >= CpuIsa::kAvx512) return embed_layer_norm_avx512;
  if (isa >= CpuIsa::kAvx2) return embed_layer_norm_avx2;
  return ref::embed_layer_norm;
}

}  // namespace minirt::cpu
