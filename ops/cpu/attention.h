// Fused self-attention for the CPU: the same arithmetic as ref::attention,
// one query block at a time with an online softmax, so no seq x seq matrix
// is ever stored (see attention_kernel.h).
#pragma once

#include <cstdint>

#include "ops/cpu/cpu_isa.h"
#include "ops/ref/kernels.h"

namespace minirt::cpu {

using AttentionKernel = void (*)(const ref::AttentionArgs& args, Parallel& parallel);

// The widest head the fused kernels take: a key tile is packed on the stack.
inline constexpr int64_t kAttentionMaxHeadDim = 256;

void attention_avx2(const ref::AttentionArgs& args, Parallel& parallel);
void attention_avx512(const ref::AttentionArgs& args, Parallel& parallel);

// The first kernel that runs on isa and takes head_dim: AVX-512, AVX2, then ref.
AttentionKernel attention_kernel_for(CpuIsa isa, int64_t head_dim);

}  // namespace minirt::cpu
