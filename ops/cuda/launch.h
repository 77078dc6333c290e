// What the CUDA backend launches, in plain C++ (no CUDA headers), so the
// choices below are testable on any machine: each fused op's ref:: argument
// struct (holding device pointers on the GPU, host pointers on the SIMT
// emulator) is one FusedLaunch, and ops/cuda/launches.cuh turns it into
// kernel launches. Activations are fp16 in memory: the backend's tensor
// table holds fp16 buffers behind the ref structs' float pointers, except
// EmbedLayerNorm's mask bias, which stays fp32; graph outputs leave the fp16
// arena through a ConvertArgs launch into fp32.
#pragma once

#include <cstdint>
#include <variant>

#include "ops/ref/kernels.h"

namespace minirt::cuda {

// A kernel launch's geometry: 1-D blocks of `threads`.
struct LaunchShape {
  unsigned grid_x = 1, grid_y = 1, grid_z = 1;
  unsigned threads = 0;
  unsigned shared_bytes = 0;  // dynamic shared memory per block
};

// dst[i] = float(src[i]) for i < count: a model output, fp16 -> fp32.
struct ConvertArgs {
  const void* src = nullptr;  // fp16
  float* dst = nullptr;
  int64_t count = 0;
};

using FusedLaunch = std::variant<ref::EmbedLayerNormArgs, ref::MatMulArgs, ref::AttentionArgs,
                                 ref::AddLayerNormArgs, ref::PoolerArgs, ConvertArgs>;

// MatMuls of at most this many rows run the GEMV kernel (a warp per output
// column, every SM busy at batch 1); more rows run the tiled GEMM.
constexpr int64_t kGemvMaxRows = 8;
constexpr bool use_gemv(int64_t rows) { return rows <= kGemvMaxRows; }

// The head dims the attention kernel is instantiated for.
constexpr bool attention_head_dim_supported(int64_t head_dim) {
  return head_dim == 16 || head_dim == 32 || head_dim == 64;
}

}  // namespace minirt::cuda
