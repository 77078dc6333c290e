// Fused attention, written once over the vector primitives (VecAvx2,
// VecAvx512) and an arithmetic for the two products: Fp32Products<V> here,
// Bf16Products in attention_avx512_bf16.cpp. Include inside a target region
// (ops/cpu/isa_target.h); every name here is in an anonymous namespace, so
// each ISA's translation unit keeps its own copy and nothing compiled for one
// ISA is shared with another.
//
// One task per (batch, head, block of up to kQueryBlock query rows). Keys go
// by tiles of kTileVectors vectors (16 keys on AVX2, 32 on AVX-512):
//   1. the products pack the tile's keys transposed on the stack (fp32:
//      [head_dim][tile]), and its mask bias goes beside them (-inf past the
//      last key);
//   2. for each group of up to P::kRows query rows, scale * q.k + bias for the
//      whole tile stays in registers (broadcast q, FMA against key rows, as a
//      matmul microkernel does), and the online softmax raises each row's
//      running max, rescales its running sum and output, and turns the
//      scores into weights e^(score - max);
//   3. weights x V is added into dst, which holds each row's output scaled by
//      its running sum.
// After the last tile each dst row is divided by its sum. So no seq x seq
// matrix exists: a task holds the packed tile (head_dim x tile floats), the
// weights of one row group and two floats per query row.
#pragma once

#include "ops/cpu/attention.h"
#include "ops/cpu/vec_math.h"

namespace minirt::cpu {
namespace {

constexpr int64_t kQueryBlock = 128;  // query rows per task: one packed key tile serves them all

// Key-tile width in vectors. Four on AVX-512 (64 keys) measured mixed:
// +28% at seq 128, -10% at seq 512, -45% at seq 16 (padding a 16-key
// sequence to 64), so two everywhere (bench/RESULTS.md, 2026-11-23).
constexpr int kTileVectors = 2;
template <class V>
constexpr int kTile = int{V::kWidth} * kTileVectors;

// Where one (batch, head) reads and writes in the packed QKV layout.
struct HeadView {
  const float* qkv;    // row 0 of the batch, at this head's columns
  float* dst;          // likewise in dst
  int64_t qkv_stride;  // 3 * width
  int64_t width;       // num_heads * head_dim
  int64_t head_dim;

  const float* query(int64_t s) const { return qkv + s * qkv_stride; }
  const float* key(int64_t t) const { return qkv + t * qkv_stride + width; }
  const float* value(int64_t t) const { return qkv + t * qkv_stride + 2 * width; }
  float* out(int64_t s) const { return dst + s * width; }
};

// One tile of keys (the products hold them packed).
struct KeyTile {
  const float* bias;  // [kTile]: the mask bias, -inf past count
  int64_t first;      // index of the tile's first key
  int count;
};

template <class V, bool kPartial>
typename V::Reg load_lanes(const float* src, int lanes) {
  if constexpr (kPartial) return V::load_first(src, lanes);
  return V::load(src);
}

template <class V, bool kPartial>
void store_lanes(float* dst, typename V::Reg x, int lanes) {
  if constexpr (kPartial) {
    V::store_first(dst, x, lanes);
  } else {
    V::store(dst, x);
  }
}

// Q K^T and P V in fp32, as ref::attention. The interface of a products type P:
//   P::Vec                          the vector primitives the softmax runs on
//   P::kRows                        query rows whose scores share registers
//   begin_block(head, q_begin, q_end)  once per query block
//   pack_keys(head, first, count)   once per key tile
//   scores<R>(head, s, score)       q.k of rows s .. s + R against the tile
//   add_weighted_values<R>(head, s, tile, weights, rescale)
//                                   out = out * rescale + weights x V
template <class V>
class Fp32Products {
 public:
  using Vec = V;
  using Reg = typename V::Reg;
  static constexpr int kRows = 4;  // query rows whose scores share registers

  void begin_block(const HeadView&, int64_t, int64_t) {}

  void pack_keys(const HeadView& head, int64_t first, int count) {
    constexpr int kKeys = kTile<V>;
    for (int t = 0; t < kKeys; ++t) {
      const float* key = t < count ? head.key(first + t) : nullptr;
      for (int64_t d = 0; d < head.head_dim; ++d) keys_[d * kKeys + t] = key ? key[d] : 0.0f;
    }
  }

  template <int R>
  void scores(const HeadView& head, int64_t s, Reg (&score)[R][kTileVectors]) const {
    constexpr int kW = V::kWidth;
    for (int64_t d = 0; d < head.head_dim; ++d) {
      Reg key[kTileVectors];
      for (int j = 0; j < kTileVectors; ++j) key[j] = V::load(keys_ + d * kTile<V> + j * kW);
      for (int i = 0; i < R; ++i) {
        const Reg q = V::set1(head.query(s + i)[d]);
        for (int j = 0; j < kTileVectors; ++j) score[i][j] = V::fmadd(q, key[j], score[i][j]);
      }
    }
  }

  template <int R>
  void add_weighted_values(const HeadView& head, int64_t s, const KeyTile& tile,
                           const float* weights, const float* rescale) const {
    constexpr int kW = V::kWidth;
    int64_t d = 0;
    for (; d + 2 * kW <= head.head_dim; d += 2 * kW)
      add_weighted_columns<R, 2, false>(head, s, tile, weights, rescale, d, kW);
    if (d + kW <= head.head_dim) {
      add_weighted_columns<R, 1, false>(head, s, tile, weights, rescale, d, kW);
      d += kW;
    }
    if (d < head.head_dim) {
      const int lanes = static_cast<int>(head.head_dim - d);
      add_weighted_columns<R, 1, true>(head, s, tile, weights, rescale, d, lanes);
    }
  }

 private:
  // out[i][d .. d + C vectors) = out * rescale[i] + sum_t weights[i][t] * value(t),
  // where the last vector holds `lanes` floats when kPartial.
  template <int R, int C, bool kPartial>
  static void add_weighted_columns(const HeadView& head, int64_t s, const KeyTile& tile,
                                   const float* weights, const float* rescale, int64_t d,
                                   int lanes) {
    constexpr int kW = V::kWidth;
    Reg acc[R][C];
    for (int i = 0; i < R; ++i) {
      const Reg factor = V::set1(rescale[i]);
      for (int j = 0; j < C; ++j)
        acc[i][j] = V::mul(load_lanes<V, kPartial>(head.out(s + i) + d + j * kW, lanes), factor);
    }
    for (int t = 0; t < tile.count; ++t) {
      const float* value = head.value(tile.first + t) + d;
      Reg v[C];
      for (int j = 0; j < C; ++j) v[j] = load_lanes<V, kPartial>(value + j * kW, lanes);
      for (int i = 0; i < R; ++i) {
        const Reg w = V::set1(weights[i * kTile<V> + t]);
        for (int j = 0; j < C; ++j) acc[i][j] = V::fmadd(w, v[j], acc[i][j]);
      }
    }
    for (int i = 0; i < R; ++i) {
      for (int j = 0; j < C; ++j)
        store_lanes<V, kPartial>(head.out(s + i) + d + j * kW, acc[i][j], lanes);
    }
  }

  alignas(64) float keys_[kAttentionMaxHeadDim * kTile<V>];  // [head_dim][kTile]
};

// Query rows s .. s + R against one key tile: steps 2 and 3 of the header.
// row_max and row_sum point at row s's running state.
template <class P, int R>
void attend_rows(const P& products, const HeadView& head, int64_t s, const KeyTile& tile,
                 float scale, float* row_max, float* row_sum) {
  using V = typename P::Vec;
  using Reg = typename V::Reg;
  constexpr int kW = V::kWidth, kVectors = kTileVectors;
  Reg score[R][kVectors];
  for (int i = 0; i < R; ++i) {
    for (int j = 0; j < kVectors; ++j) score[i][j] = V::zero();
  }
  products.template scores<R>(head, s, score);
  const Reg factor = V::set1(scale);
  alignas(64) float weights[R * kTile<V>];
  float rescale[R];
  for (int i = 0; i < R; ++i) {
    Reg tile_max = V::set1(-std::numeric_limits<float>::infinity());
    for (int j = 0; j < kVectors; ++j) {
      score[i][j] = V::fmadd(score[i][j], factor, V::load(tile.bias + j * kW));
      tile_max = V::max(tile_max, score[i][j]);
    }
    const float new_max = std::max(row_max[i], V::reduce_max(tile_max));
    const Reg max = V::set1(new_max);
    Reg tile_sum = V::zero();
    for (int j = 0; j < kVectors; ++j) {
      const Reg weight = vec_exp<V>(V::sub(score[i][j], max));
      V::store(weights + i * kTile<V> + j * kW, weight);
      tile_sum = V::add(tile_sum, weight);
    }
    rescale[i] = std::exp(row_max[i] - new_max);  // 0 on the first tile (max -inf)
    row_sum[i] = row_sum[i] * rescale[i] + V::reduce_add(tile_sum);
    row_max[i] = new_max;
  }
  products.template add_weighted_values<R>(head, s, tile, weights, rescale);
}

// attend_rows for `rows` rows, 1 <= rows <= R: R itself, or the block's
// last group of fewer.
template <class P, int R>
void attend_rows_upto(int rows, const P& products, const HeadView& head, int64_t s,
                      const KeyTile& tile, float scale, float* row_max, float* row_sum) {
  if constexpr (R > 1) {
    if (rows < R)
      return attend_rows_upto<P, R - 1>(rows, products, head, s, tile, scale, row_max, row_sum);
  }
  attend_rows<P, R>(products, head, s, tile, scale, row_max, row_sum);
}

// Sequence b's first row and length: padded, seq rows from b * seq; ragged,
// its own rows from cu_seqlens[b].
struct SequenceRows {
  int64_t first, length;
};
inline SequenceRows sequence_rows(const ref::AttentionArgs& args, int64_t b) {
  if (!args.cu_seqlens) return {b * args.seq, args.seq};
  return {args.cu_seqlens[b], args.cu_seqlens[b + 1] - args.cu_seqlens[b]};
}

template <class P>
void attend_block(const ref::AttentionArgs& args, int64_t b, int64_t h, int64_t q_begin,
                  int64_t q_end) {
  constexpr int kKeys = kTile<typename P::Vec>;
  const int64_t width = args.num_heads * args.head_dim;
  const SequenceRows rows = sequence_rows(args, b);
  const HeadView head{args.qkv + rows.first * 3 * width + h * args.head_dim,
                      args.dst + rows.first * width + h * args.head_dim, 3 * width, width,
                      args.head_dim};
  // A ragged run has no padded keys: every bias is 0.
  const float* mask_bias = args.cu_seqlens ? nullptr : args.mask_bias + rows.first;
  P products;
  products.begin_block(head, q_begin, q_end);
  alignas(64) float bias[kKeys];
  float row_max[kQueryBlock], row_sum[kQueryBlock];
  for (int64_t s = q_begin; s < q_end; ++s) {
    row_max[s - q_begin] = -std::numeric_limits<float>::infinity();
    row_sum[s - q_begin] = 0.0f;
    for (int64_t d = 0; d < args.head_dim; ++d) head.out(s)[d] = 0.0f;
  }
  for (int64_t first = 0; first < rows.length; first += kKeys) {
    const int count = static_cast<int>(std::min<int64_t>(kKeys, rows.length - first));
    products.pack_keys(head, first, count);
    for (int t = 0; t < kKeys; ++t) {
      bias[t] = t >= count  ? -std::numeric_limits<float>::infinity()
                : mask_bias ? mask_bias[first + t]
                            : 0.0f;
    }
    const KeyTile tile{bias, first, count};
    for (int64_t s = q_begin; s < q_end; s += P::kRows) {
      attend_rows_upto<P, P::kRows>(static_cast<int>(std::min<int64_t>(P::kRows, q_end - s)),
                                    products, head, s, tile, args.scale, row_max + (s - q_begin),
                                    row_sum + (s - q_begin));
    }
  }
  for (int64_t s = q_begin; s < q_end; ++s) {
    const float inv_sum = 1.0f / row_sum[s - q_begin];
    for (int64_t d = 0; d < args.head_dim; ++d) head.out(s)[d] *= inv_sum;
  }
}

template <class P>
void attention_kernel(const ref::AttentionArgs& args, Parallel& parallel) {
  const int64_t blocks = (args.seq + kQueryBlock - 1) / kQueryBlock;
  parallel.for_range(args.batch * args.num_heads * blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t task = begin; task < end; ++task) {
      const int64_t block = task % blocks, h = task / blocks % args.num_heads;
      const int64_t b = task / (blocks * args.num_heads);
      const int64_t q_begin = block * kQueryBlock;
      // Ragged: blocks count for the longest sequence; shorter ones have fewer.
      const int64_t length = sequence_rows(args, b).length;
      if (q_begin < length)
        attend_block<P>(args, b, h, q_begin, std::min(length, q_begin + kQueryBlock));
    }
  });
}

}  // namespace
}  // namespace minirt::cpu
