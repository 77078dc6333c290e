// Residual + LayerNorm for the CPU, vectorized: the same arithmetic as
// ref::add_layer_norm in float (see layer_norm_kernels.h).
#pragma once

#include "ops/cpu/cpu_isa.h"
#include "ops/ref/kernels.h"

namespace minirt::cpu {

using AddLayerNormKernel = void (*)(const ref::AddLayerNormArgs& args, Parallel& parallel);

void add_layer_norm_avx2(const ref::AddLayerNormArgs& args, Parallel& parallel);
void add_layer_norm_avx512(const ref::AddLayerNormArgs& args, Parallel& parallel);

// The first kernel that runs on isa: AVX-512, AVX2, then ref.
AddLayerNormKernel add_layer_norm_kernel_for(CpuIsa isa);

}  // namespace minirt::cpu
