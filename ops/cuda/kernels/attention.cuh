// Fused self-attention over packed QKV rows, flash style, for head dims 32
// and 64 (any seq; BERT's is at most 512):
//   dst[b,s,h*D + d] = sum_t softmax_t(q.k_t * scale + mask_bias[b,t]) v_t[d]
// fp16 Q, K, V and output; scores, softmax and the running sums in fp32; the
// probabilities rounded to fp16 for the P x V product on the tensor cores.
//
// A block of 4 warps takes 64 queries of one (batch, head), 16 per warp, and
// walks the keys 64 at a time: K and V tiles arrive by cp.async in shared
// memory (rows padded to D + 8 halves), S = Q K^T by mma with K rows read by
// ldmatrix, an online softmax on S's fragments (each row's max and sum over
// the 4 lanes that hold it), and O += P V with V read by ldmatrix.trans.
// Keys past seq score -inf; a padded key's mask bias is the lowest float, so
// a row with every key padded gets uniform weights, as the reference does.
// Ragged batches (cu_seqlens set): sequence b's rows are packed at
// [cu_seqlens[b], cu_seqlens[b + 1]) of qkv and dst, seq is the longest
// sequence (the grid's extent), and there is no mask: every key of its own
// sequence counts.
#pragma once

#include <cstdint>

#include "ops/cuda/kernels/common.cuh"

namespace minirt::cuda {
inline namespace MINIRT_KERNEL_NAMESPACE {

struct AttentionParams {
  const dev::half* qkv = nullptr;    // [batch, seq, 3 * heads * head_dim]: Q, K, V
  const float* mask_bias = nullptr;  // [batch, seq]; unused when cu_seqlens is set
  // [batch + 1] token offsets of a ragged batch; null for a padded one.
  const int32_t* cu_seqlens = nullptr;
  dev::half* dst = nullptr;  // [batch, seq, heads * head_dim], or [tokens, ...] ragged
  int batch = 0, seq = 0, heads = 0;
  float scale = 1.0f;
};

struct AttentionTile {
  static constexpr int kQueries = 64, kKeys = 64;
  static constexpr unsigned kThreads = 128;
  MINIRT_HOST_DEVICE static constexpr int row_halves(int head_dim) { return head_dim + 8; }
  // Q, K and V tiles.
  MINIRT_HOST_DEVICE static constexpr unsigned shared_bytes(int head_dim) {
    return static_cast<unsigned>((kQueries + 2 * kKeys) * row_halves(head_dim) * 2);
  }
};

constexpr unsigned attention_blocks_x(int seq) { return ceil_div(seq, AttentionTile::kQueries); }

template <int kHeadDim>
MINIRT_GLOBAL void MINIRT_LAUNCH_BOUNDS(AttentionTile::kThreads)
    attention_kernel(const AttentionParams p) {
  static_assert(kHeadDim % 16 == 0, "head_dim is a multiple of 16");
  using T = AttentionTile;
  constexpr int D = kHeadDim, kRow = T::row_halves(D);
  constexpr unsigned kQBase = 0, kKBase = T::kQueries * kRow, kVBase = kKBase + T::kKeys * kRow;
  constexpr float kInf = __builtin_huge_valf();
  const dev::Shared<dev::half> smem(0, kVBase + T::kKeys * kRow);
  const int q0 = static_cast<int>(dev::block_idx_x()) * T::kQueries;
  const int h = static_cast<int>(dev::block_idx_y()), b = static_cast<int>(dev::block_idx_z());
  const int lane = static_cast<int>(dev::lane_id()), warp = static_cast<int>(dev::warp_id());
  const int g = lane / 4, t = lane % 4;
  const int64_t row_stride = 3LL * p.heads * D;
  // This sequence's first row and length.
  const int64_t first = p.cu_seqlens ? p.cu_seqlens[b] : static_cast<int64_t>(b) * p.seq;
  const int seq = p.cu_seqlens ? p.cu_seqlens[b + 1] - p.cu_seqlens[b] : p.seq;
  if (q0 >= seq) return;  // a short sequence of a ragged batch: the whole block leaves
  const dev::half* qkv = p.qkv + first * row_stride;
  const float* bias = p.cu_seqlens ? nullptr : p.mask_bias + first;
  const bool vector_ok = reinterpret_cast<uintptr_t>(p.qkv) % 16 == 0;

  // Rows [row0, row0 + 64) of the D columns at `col` into a shared tile;
  // rows past seq are zeros.
  auto load_rows = [&](unsigned base, int row0, int64_t col) {
    constexpr int kChunks = D / 8;
    for (int c = static_cast<int>(dev::thread_idx()); c < T::kKeys * kChunks; c += T::kThreads) {
      const int r = c / kChunks, dc = (c % kChunks) * 8, row = row0 + r;
      dev::half* to = smem.ptr(base + r * kRow + dc, 8);
      if (vector_ok && row < seq) {
        dev::cp_async_16(to, qkv + row * row_stride + col + dc);
      } else {
        for (int e = 0; e < 8; ++e) {
          to[e] = row < seq ? qkv[row * row_stride + col + dc + e] : dev::to_half(0.0f);
        }
      }
    }
  };

  load_rows(kQBase, q0, static_cast<int64_t>(h) * D);
  dev::cp_async_commit();
  uint32_t q[D / 16][4];
  float o[D / 8][4] = {};
  float row_max[2] = {-kInf, -kInf}, row_sum[2] = {0.0f, 0.0f};  // rows g and g + 8

  for (int kv0 = 0; kv0 < seq; kv0 += T::kKeys) {
    dev::sync_threads();  // every warp is done with the previous K and V
    load_rows(kKBase, kv0, static_cast<int64_t>(p.heads + h) * D);
    load_rows(kVBase, kv0, static_cast<int64_t>(2 * p.heads + h) * D);
    dev::cp_async_commit();
    dev::cp_async_wait<0>();
    dev::sync_threads();
    if (kv0 == 0) {
      MINIRT_UNROLL
      for (int kk = 0; kk < D / 16; ++kk) {
        const int row = warp * 16 + lane % 16, col = kk * 16 + (lane / 16) * 8;
        dev::ldmatrix<4, false>(q[kk], smem.ptr(kQBase + row * kRow + col, 8));
      }
    }

    // S = Q K^T: 16 queries x 64 keys per warp, 8 n8 tiles.
    float s[8][4] = {};
    MINIRT_UNROLL
    for (int kk = 0; kk < D / 16; ++kk) {
      MINIRT_UNROLL
      for (int j2 = 0; j2 < 4; ++j2) {
        const int key = j2 * 16 + (lane / 16) * 8 + lane % 8;
        const int col = kk * 16 + ((lane / 8) % 2) * 8;
        uint32_t r[4];
        dev::ldmatrix<4, false>(r, smem.ptr(kKBase + key * kRow + col, 8));
        const uint32_t b0[2] = {r[0], r[1]}, b1[2] = {r[2], r[3]};
        dev::mma_m16n8k16(q[kk], b0, s[2 * j2]);
        dev::mma_m16n8k16(q[kk], b1, s[2 * j2 + 1]);
      }
    }

    // Online softmax: c0, c1 belong to row g, c2, c3 to row g + 8.
    float tile_max[2] = {-kInf, -kInf};
    MINIRT_UNROLL
    for (int j = 0; j < 8; ++j) {
      MINIRT_UNROLL
      for (int e = 0; e < 4; ++e) {
        const int key = kv0 + j * 8 + 2 * t + (e & 1);
        s[j][e] = key < seq ? s[j][e] * p.scale + (bias ? bias[key] : 0.0f) : -kInf;
        tile_max[e / 2] = tile_max[e / 2] > s[j][e] ? tile_max[e / 2] : s[j][e];
      }
    }
    float correction[2];
    MINIRT_UNROLL
    for (int r = 0; r < 2; ++r) {
      for (int mask = 1; mask <= 2; mask *= 2) {
        const float other = dev::shfl_xor(tile_max[r], mask);
        tile_max[r] = tile_max[r] > other ? tile_max[r] : other;
      }
      // Key kv0 < seq is in every tile, so the new max is finite.
      const float new_max = row_max[r] > tile_max[r] ? row_max[r] : tile_max[r];
      correction[r] = dev::exp(row_max[r] - new_max);
      row_max[r] = new_max;
      row_sum[r] *= correction[r];
    }
    MINIRT_UNROLL
    for (int dn = 0; dn < D / 8; ++dn) {
      MINIRT_UNROLL
      for (int e = 0; e < 4; ++e) o[dn][e] *= correction[e / 2];
    }
    MINIRT_UNROLL
    for (int j = 0; j < 8; ++j) {
      MINIRT_UNROLL
      for (int e = 0; e < 4; ++e) {
        s[j][e] = dev::exp(s[j][e] - row_max[e / 2]);
        row_sum[e / 2] += s[j][e];
      }
    }

    // O += P V: P's accumulator fragments are, two n8 tiles at a time, the
    // A fragments of a k16 step; V's rows come transposed by ldmatrix.trans.
    MINIRT_UNROLL
    for (int kk = 0; kk < 4; ++kk) {
      const uint32_t a[4] = {dev::pack_half2(s[2 * kk][0], s[2 * kk][1]),
                             dev::pack_half2(s[2 * kk][2], s[2 * kk][3]),
                             dev::pack_half2(s[2 * kk + 1][0], s[2 * kk + 1][1]),
                             dev::pack_half2(s[2 * kk + 1][2], s[2 * kk + 1][3])};
      MINIRT_UNROLL
      for (int dn2 = 0; dn2 < D / 16; ++dn2) {
        const int key = kk * 16 + lane % 8 + ((lane / 8) % 2) * 8;
        const int col = dn2 * 16 + (lane / 16) * 8;
        uint32_t r[4];
        dev::ldmatrix<4, true>(r, smem.ptr(kVBase + key * kRow + col, 8));
        const uint32_t b0[2] = {r[0], r[1]}, b1[2] = {r[2], r[3]};
        dev::mma_m16n8k16(a, b0, o[2 * dn2]);
        dev::mma_m16n8k16(a, b1, o[2 * dn2 + 1]);
      }
    }
  }

  MINIRT_UNROLL
  for (int r = 0; r < 2; ++r) {
    for (int mask = 1; mask <= 2; mask *= 2) row_sum[r] += dev::shfl_xor(row_sum[r], mask);
  }
  const int hidden = p.heads * D;
  MINIRT_UNROLL
  for (int dn = 0; dn < D / 8; ++dn) {
    MINIRT_UNROLL
    for (int e = 0; e < 4; ++e) {
      const int row = q0 + warp * 16 + g + (e >= 2 ? 8 : 0);
      if (row >= seq) continue;
      const int64_t at = (first + row) * hidden + h * D + dn * 8 + 2 * t + (e & 1);
      p.dst[at] = dev::to_half(o[dn][e] / row_sum[e / 2]);
    }
  }
}

}  // namespace MINIRT_KERNEL_NAMESPACE
}  // namespace minirt::cuda
