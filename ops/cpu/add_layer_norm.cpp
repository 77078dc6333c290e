#include "ops/cpu/add_layer_norm.h"

namespace minirt::cpu {

AddLayerNormKernel add_layer_norm_kernel_for(CpuIsa isa) {
  if (isa >= CpuIsa::kAvx512) return add_layer_norm_avx512;
  if (isa >= CpuIsa::kAvx2) return add_layer_norm_avx2;
  return ref::add_layer_norm;
}

}  // namespace minirt::cpu
