// Each FusedLaunch (ops/cuda/launch.h) as kernel launches, for any launcher:
// ops/cuda/cuda_launches.cu's puts them on a CUDA stream, the tests' runs
// them on the SIMT emulator, so the mapping below (kernel choice, params,
// grid) is what ctest checks against the reference kernels. A launcher is
// called as launcher(LaunchShape, kernel, params).
#pragma once

#include <type_traits>

#include "ops/cuda/kernels/attention.cuh"
#include "ops/cuda/kernels/convert.cuh"
#include "ops/cuda/kernels/gemm.cuh"
#include "ops/cuda/kernels/gemv.cuh"
#include "ops/cuda/kernels/layer_norm.cuh"
#include "ops/cuda/launch.h"

namespace minirt::cuda {
inline namespace MINIRT_KERNEL_NAMESPACE {

// The ref structs' float pointers hold fp16 activations and weights.
inline const dev::half* halves(const float* p) { return reinterpret_cast<const dev::half*>(p); }
inline dev::half* halves(float* p) { return reinterpret_cast<dev::half*>(p); }

// dst = act(a w^T + bias) + residual, the GEMV kernel for few rows, the
// tiled GEMM for more.
template <typename Launcher>
void launch_gemm(Launcher& launch, const GemmParams<dev::half>& p) {
  if (use_gemv(p.m)) {
    launch(LaunchShape{gemv_blocks(p.n), 1, 1, GemvTile::kThreads, 0}, gemv_kernel<dev::half>, p);
  } else {
    launch(LaunchShape{gemm_blocks_x(p.n), gemm_blocks_y(p.m), 1, GemmTile::kThreads,
                       GemmTile::kSharedBytes},
           gemm_kernel<dev::half>, p);
  }
}

template <typename Launcher>
void launch_op(Launcher& launch, const ref::MatMulArgs& args) {
  GemmParams<dev::half> p;
  p.a = halves(args.src);
  p.w = halves(args.weight);
  p.bias = halves(args.bias);
  p.residual = halves(args.residual);
  p.dst = halves(args.dst);
  p.lda = args.k;
  p.m = static_cast<int>(args.m);
  p.n = static_cast<int>(args.n);
  p.k = static_cast<int>(args.k);
  p.activation = args.activation;
  launch_gemm(launch, p);
}

// tanh(hidden[:, 0, :] W^T + b): the GEMM over every seq-th row.
template <typename Launcher>
void launch_op(Launcher& launch, const ref::PoolerArgs& args) {
  GemmParams<dev::half> p;
  p.a = halves(args.hidden);
  p.w = halves(args.weight);
  p.bias = halves(args.bias);
  p.dst = halves(args.dst);
  p.lda = args.seq * args.hidden_size;
  p.m = static_cast<int>(args.batch);
  p.n = static_cast<int>(args.hidden_size);
  p.k = static_cast<int>(args.hidden_size);
  p.activation = Activation::kTanh;
  launch_gemm(launch, p);
}

template <typename Launcher>
void launch_op(Launcher& launch, const ref::EmbedLayerNormArgs& args) {
  EmbedLayerNormParams<dev::half> p;
  p.input_ids = args.input_ids;
  p.token_type_ids = args.token_type_ids;
  p.attention_mask = args.attention_mask;
  p.word = halves(args.word);
  p.position = halves(args.position);
  p.token_type = halves(args.token_type);
  p.gamma = halves(args.gamma);
  p.beta = halves(args.beta);
  p.dst = halves(args.dst);
  p.mask_bias = args.mask_bias;  // fp32
  p.batch = static_cast<int>(args.batch);
  p.seq = static_cast<int>(args.seq);
  p.hidden = static_cast<int>(args.hidden);
  p.epsilon = args.epsilon;
  launch(LaunchShape{layer_norm_blocks(args.batch * args.seq), 1, 1, kLayerNormThreads, 0},
         embed_layer_norm_kernel<dev::half>, p);
}

template <typename Launcher>
void launch_op(Launcher& launch, const ref::AddLayerNormArgs& args) {
  AddLayerNormParams<dev::half> p;
  p.src = halves(args.src);
  p.residual = halves(args.residual);
  p.gamma = halves(args.gamma);
  p.beta = halves(args.beta);
  p.dst = halves(args.dst);
  p.rows = static_cast<int>(args.rows);
  p.hidden = static_cast<int>(args.hidden);
  p.epsilon = args.epsilon;
  launch(LaunchShape{layer_norm_blocks(args.rows), 1, 1, kLayerNormThreads, 0},
         add_layer_norm_kernel<dev::half>, p);
}

template <typename Launcher>
void launch_op(Launcher& launch, const ref::AttentionArgs& args) {
  AttentionParams p;
  p.qkv = halves(args.qkv);
  p.mask_bias = args.mask_bias;  // fp32
  p.cu_seqlens = args.cu_seqlens;
  p.dst = halves(args.dst);
  p.batch = static_cast<int>(args.batch);
  p.seq = static_cast<int>(args.seq);
  p.heads = static_cast<int>(args.num_heads);
  p.scale = args.scale;
  const LaunchShape shape{attention_blocks_x(p.seq), static_cast<unsigned>(p.heads),
                          static_cast<unsigned>(p.batch), AttentionTile::kThreads,
                          AttentionTile::shared_bytes(static_cast<int>(args.head_dim))};
  // attention_head_dim_supported() lists these; sessions refuse the rest.
  switch (args.head_dim) {
    case 16:
      return launch(shape, attention_kernel<16>, p);
    case 32:
      return launch(shape, attention_kernel<32>, p);
    case 64:
      return launch(shape, attention_kernel<64>, p);
  }
}

template <typename Launcher>
void launch_op(Launcher& launch, const ConvertArgs& args) {
  const ConvertParams<float> p{static_cast<const dev::half*>(args.src), args.dst, args.count};
  launch(LaunchShape{convert_blocks(args.count), 1, 1, kConvertThreads, 0}, convert_kernel<float>,
         p);
}

template <typename Launcher>
void launch_fused(Launcher& launch, const FusedLaunch& op) {
  std::visit([&](const auto& args) { launch_op(launch, args); }, op);
}

}  // namespace MINIRT_KERNEL_NAMESPACE
}  // namespace minirt::cuda
