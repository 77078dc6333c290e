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

// The arithmetic of Q K^T and P V. Softmax and the output are fp32 in both.
enum class AttentionProducts {
  kFloat32,   // fp32, as ref::attention
  kBFloat16,  // bf16 inputs, fp32 accumulation (vdpbf16ps)
};

void attention_avx2(const ref::AttentionArgs& args, Parallel& parallel);
void attention_avx512(const ref::AttentionArgs& args, Parallel& parallel);
void attention_avx512_bf16(const ref::AttentionArgs& args, Parallel& parallel);  // kAvx512Bf16

// What runs when `wanted` is asked for: bf16 only on an AVX512-BF16 CPU and a
// head the fused kernels take, fp32 everywhere else.
AttentionProducts attention_products_for(CpuIsa isa, int64_t head_dim, AttentionProducts wanted);

// The first kernel that runs on isa, takes head_dim and computes `products`
// (attention_products_for): AVX-512 BF16, AVX-512, AVX2, then ref.
AttentionKernel attention_kernel_for(CpuIsa isa, int64_t head_dim, AttentionProducts products);

}  // namespace minirt::cpu
