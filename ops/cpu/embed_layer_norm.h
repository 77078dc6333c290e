// Embedding gather + LayerNorm for the CPU, vectorized: the same arithmetic
// as ref::embed_layer_norm in float, mask bias included (see layer_norm_kernels.h).
#pragma once

#include "ops/cpu/cpu_isa.h"
#include "ops/ref/kernels.h"

namespace minirt::cpu {

using EmbedLayerNormKernel = void (*)(const ref::EmbedLayerNormArgs& args, Parallel& parallel);

void embed_layer_norm_avx2(const ref::EmbedLayerNormArgs& args, Parallel& parallel);
void embed_layer_norm_avx512(const ref::EmbedLayerNormArgs& args, Parallel& parallel);

// The first kernel that runs on isa: AVX-512, AVX2, then ref.
EmbedLayerNormKernel embed_layer_norm_kernel_for(CpuIsa isa);

}  // namespace minirt::cpu
