#include "ops/cpu/attention.h"

namespace minirt::cpu {

AttentionKernel attention_kernel_for(CpuIsa isa, int64_t head_dim) {
  if (head_dim > kAttentionMaxHeadDim) return ref::attention;
  if (isa >= CpuIsa::kAvx512) return attention_avx512;
  if (isa >= CpuIsa::kAvx2) return attention_avx2;
  return ref::attention;
}

}  // namespace minirt::cpu
