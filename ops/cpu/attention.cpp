#include "ops/cpu/attention.h"

namespace minirt::cpu {

AttentionProducts attention_products_for(CpuIsa isa, int64_t head_dim, AttentionProducts wanted) {
  if (wanted == AttentionProducts::kBFloat16 && isa >= CpuIsa::kAvx512Bf16 &&
      head_dim <= kAttentionMaxHeadDim)
    return AttentionProducts::kBFloat16;
  return AttentionProducts::kFloat32;
}

AttentionKernel attention_kernel_for(CpuIsa isa, int64_t head_dim, AttentionProducts products) {
  if (head_dim > kAttentionMaxHeadDim) return ref::attention;
  if (attention_products_for(isa, head_dim, products) == AttentionProducts::kBFloat16)
    return attention_avx512_bf16;
  if (isa >= CpuIsa::kAvx512) return attention_avx512;
  if (isa >= CpuIsa::kAvx2) return attention_avx2;
  return ref::attention;
}

}  // namespace minirt::cpu
