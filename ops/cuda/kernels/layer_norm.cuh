// Residual + LayerNorm and embedding + LayerNorm: one warp per row, fp16
// inputs and weights, fp32 math (two passes over the row, as ops/ref), output
// fp16 (an activation the next GEMM reads) or fp32 (a model output).
#pragma once

#include <cstdint>

#include "ops/cuda/kernels/common.cuh"

namespace minirt::cuda {
inline namespace MINIRT_KERNEL_NAMESPACE {

constexpr unsigned kLayerNormRowsPerBlock = 4;
constexpr unsigned kLayerNormThreads = kLayerNormRowsPerBlock * dev::kWarpSize;
constexpr unsigned layer_norm_blocks(long long rows) {
  return ceil_div(rows, kLayerNormRowsPerBlock);
}

// dst = LN(input(i)) * gamma + beta over one row of `hidden`, by one warp.
// input(i) is read before dst[i] is written, by the same lane: dst may alias
// what input reads.
template <typename Input, typename Out>
MINIRT_DEVICE void layer_norm_warp_row(const Input& input, const dev::half* gamma,
                                       const dev::half* beta, int hidden, float epsilon, Out* dst) {
  const int lane = static_cast<int>(dev::lane_id());
  float sum = 0.0f;
  for (int i = lane; i < hidden; i += dev::kWarpSize) sum += input(i);
  const float mean = warp_sum(sum) / static_cast<float>(hidden);
  float square_sum = 0.0f;
  for (int i = lane; i < hidden; i += dev::kWarpSize) {
    const float centered = input(i) - mean;
    square_sum += centered * centered;
  }
  const float inv_std = dev::rsqrt(warp_sum(square_sum) / static_cast<float>(hidden) + epsilon);
  for (int i = lane; i < hidden; i += dev::kWarpSize) {
    store_value(dst + i,
                (input(i) - mean) * inv_std * dev::to_float(gamma[i]) + dev::to_float(beta[i]));
  }
}

// dst[r,:] = LN(src[r,:] + residual[r,:]) * gamma + beta. residual may be null.
template <typename Out>
struct AddLayerNormParams {
  const dev::half* src = nullptr;       // [rows, hidden]
  const dev::half* residual = nullptr;  // [rows, hidden]
  const dev::half* gamma = nullptr;     // [hidden]
  const dev::half* beta = nullptr;      // [hidden]
  Out* dst = nullptr;                   // [rows, hidden]
  int rows = 0, hidden = 0;
  float epsilon = 1e-12f;
};

template <typename Out>
MINIRT_GLOBAL void MINIRT_LAUNCH_BOUNDS(kLayerNormThreads)
    add_layer_norm_kernel(const AddLayerNormParams<Out> p) {
  const int row = static_cast<int>(dev::block_idx_x() * kLayerNormRowsPerBlock + dev::warp_id());
  if (row >= p.rows) return;  // the whole warp leaves together
  const int64_t offset = static_cast<int64_t>(row) * p.hidden;
  const dev::half* src = p.src + offset;
  const dev::half* residual = p.residual ? p.residual + offset : nullptr;
  auto input = [&](int i) {
    return dev::to_float(src[i]) + (residual ? dev::to_float(residual[i]) : 0.0f);
  };
  layer_norm_warp_row(input, p.gamma, p.beta, p.hidden, p.epsilon, p.dst + offset);
}

// hidden[t,:] = LN(word[ids[t]] + position[t % seq] + token_type[types[t]]);
// mask_bias[t] = 0 where attention_mask[t] != 0, the lowest float where 0.
// token_type_ids null means all zeros, attention_mask null all ones. Ids are
// validated on the host before they are uploaded.
template <typename Out>
struct EmbedLayerNormParams {
  const int64_t* input_ids = nullptr;       // [batch, seq]
  const int64_t* token_type_ids = nullptr;  // [batch, seq]
  const int64_t* attention_mask = nullptr;  // [batch, seq]
  const dev::half* word = nullptr;          // [vocab, hidden]
  const dev::half* position = nullptr;      // [max_positions, hidden]
  const dev::half* token_type = nullptr;    // [type_vocab, hidden]
  const dev::half* gamma = nullptr;         // [hidden]
  const dev::half* beta = nullptr;          // [hidden]
  Out* dst = nullptr;                       // [batch, seq, hidden]
  float* mask_bias = nullptr;               // [batch, seq]
  int batch = 0, seq = 0, hidden = 0;
  float epsilon = 1e-12f;
};

template <typename Out>
MINIRT_GLOBAL void MINIRT_LAUNCH_BOUNDS(kLayerNormThreads)
    embed_layer_norm_kernel(const EmbedLayerNormParams<Out> p) {
  const int token = static_cast<int>(dev::block_idx_x() * kLayerNormRowsPerBlock + dev::warp_id());
  if (token >= p.batch * p.seq) return;
  const int64_t hidden = p.hidden;
  const dev::half* word = p.word + p.input_ids[token] * hidden;
  const dev::half* position = p.position + (token % p.seq) * hidden;
  const dev::half* type = p.token_type + (p.token_type_ids ? p.token_type_ids[token] : 0) * hidden;
  auto input = [&](int i) {
    return dev::to_float(word[i]) + dev::to_float(position[i]) + dev::to_float(type[i]);
  };
  layer_norm_warp_row(input, p.gamma, p.beta, p.hidden, p.epsilon, p.dst + token * hidden);
  if (dev::lane_id() == 0) {
    const bool attended = !p.attention_mask || p.attention_mask[token] != 0;
    p.mask_bias[token] = attended ? 0.0f : dev::kLowestFloat;
  }
}

}  // namespace MINIRT_KERNEL_NAMESPACE
}  // namespace minirt::cuda
