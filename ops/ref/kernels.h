// Reference kernels: plain portable C++, correct to float32 rounding.
// They are the oracle every JIT and CUDA kernel is tested against; never
// delete one. Inputs are assumed validated by the caller (ids in range,
// shapes consistent): kernels do arithmetic only.
#pragma once

#include <cstdint>

#include "ops/op_types.h"
#include "ops/parallel.h"

namespace minirt::ref {

// hidden[b,s,:] = LN(word[ids[b,s]] + position[s] + token_type[types[b,s]])
// mask_bias[b,s] = 0 where attention_mask is 1, lowest float where it is 0.
// token_type_ids == nullptr means all zeros; attention_mask == nullptr all ones.
// Ragged (cu_seqlens set): ids, types, dst hold cu_seqlens[batch] packed rows,
// positions restart at 0 in each sequence, seq is the longest sequence, and
// attention_mask and mask_bias are unused (a ragged run has no padding).
struct EmbedLayerNormArgs {
  const int64_t* input_ids = nullptr;
  const int64_t* token_type_ids = nullptr;
  const int64_t* attention_mask = nullptr;
  const float* word = nullptr;        // [vocab, hidden]
  const float* position = nullptr;    // [max_positions, hidden]
  const float* token_type = nullptr;  // [type_vocab, hidden]
  const float* gamma = nullptr;       // [hidden]
  const float* beta = nullptr;        // [hidden]
  int64_t batch = 0, seq = 0, hidden = 0;
  float epsilon = 1e-12f;
  float* dst = nullptr;                 // [batch, seq, hidden]
  float* mask_bias = nullptr;           // [batch, seq]
  const int32_t* cu_seqlens = nullptr;  // [batch + 1] token offsets of a ragged run
};
void embed_layer_norm(const EmbedLayerNormArgs& args, Parallel& parallel);

// dst[m,n] = act(sum_k src[m,k] * weight[n,k] + bias[n]) + residual[m,n]
// bias and residual may be nullptr.
struct MatMulArgs {
  const float* src = nullptr;       // [m, k]
  const float* weight = nullptr;    // [n, k]
  const float* bias = nullptr;      // [n]
  const float* residual = nullptr;  // [m, n]
  float* dst = nullptr;             // [m, n]
  int64_t m = 0, k = 0, n = 0;
  Activation activation = Activation::kNone;
};
void matmul(const MatMulArgs& args, Parallel& parallel);

// Self-attention over packed QKV rows [batch, seq, 3 * heads * head_dim].
// dst[b,s,h*head_dim + d] = sum_t softmax_t(q.k_t * scale + mask_bias[b,t]) v_t[d]
struct AttentionArgs {
  const float* qkv = nullptr;        // [batch, seq, 3 * heads * head_dim]
  const float* mask_bias = nullptr;  // [batch, seq]
  float* dst = nullptr;              // [batch, seq, heads * head_dim]
  int64_t batch = 0, seq = 0, num_heads = 0, head_dim = 0;
  float scale = 1.0f;
  const int32_t* cu_seqlens = nullptr;  // [batch + 1] token offsets; when set, rows are packed per
                                        // sequence and mask_bias is unused
};
void attention(const AttentionArgs& args, Parallel& parallel);

// dst = LN(src + residual) * gamma + beta per row. dst may alias src.
struct AddLayerNormArgs {
  const float* src = nullptr;       // [rows, hidden]
  const float* residual = nullptr;  // [rows, hidden]
  const float* gamma = nullptr;     // [hidden]
  const float* beta = nullptr;      // [hidden]
  float* dst = nullptr;             // [rows, hidden]
  int64_t rows = 0, hidden = 0;
  float epsilon = 1e-12f;
};
void add_layer_norm(const AddLayerNormArgs& args, Parallel& parallel);

// dst[b,:] = tanh(hidden[b,0,:] x weight^T + bias); ragged (cu_seqlens set):
// the first token of sequence b is packed row cu_seqlens[b].
struct PoolerArgs {
  const float* hidden = nullptr;  // [batch, seq, hidden_size]
  const float* weight = nullptr;  // [hidden_size, hidden_size]
  const float* bias = nullptr;    // [hidden_size]
  float* dst = nullptr;           // [batch, hidden_size]
  int64_t batch = 0, seq = 0, hidden_size = 0;
  const int32_t* cu_seqlens = nullptr;  // [batch + 1] token offsets of a ragged run
};
void pooler(const PoolerArgs& args, Parallel& parallel);

}  // namespace minirt::ref
