// Tensor-core GEMM with the MatMul epilogue:
//   dst[m,n] = act(sum_k a[m,k] * w[n,k] + bias[n]) + residual[m,n]
// fp16 operands, fp32 accumulation (mma.sync m16n8k16), epilogue in fp32,
// output fp16 or fp32.
//
// A block of 4 warps computes a 64x64 tile of dst, the warps 2x2 at 32x32
// each (2 m16 x 4 n8 mma tiles). K advances 32 at a time through a 3-stage
// cp.async pipeline of shared tiles (rows padded to 40 halves, so ldmatrix's
// eight 16-byte rows fall in distinct banks). A 16-byte chunk that is not
// whole inside the matrix or not 16-byte aligned (K or lda not a multiple of
// 8) is loaded element by element with zeros past the edge, so any M, N, K
// is right; M = 1 runs a mostly empty tile (the small-M path is later work).
#pragma once

#include <cstdint>

#include "ops/cuda/kernels/common.cuh"

namespace minirt::cuda {
inline namespace MINIRT_KERNEL_NAMESPACE {

template <typename Out>
struct GemmParams {
  const dev::half* a = nullptr;         // [m, k], rows lda apart
  const dev::half* w = nullptr;         // [n, k]
  const dev::half* bias = nullptr;      // [n] or null
  const dev::half* residual = nullptr;  // [m, n] or null
  Out* dst = nullptr;                   // [m, n]
  int64_t lda = 0;
  int m = 0, n = 0, k = 0;
  Activation activation = Activation::kNone;
};

struct GemmTile {
  static constexpr int kM = 64, kN = 64, kK = 32, kStages = 3;
  static constexpr int kRowHalves = kK + 8;  // padded shared row
  static constexpr unsigned kThreads = 128;
  static constexpr unsigned kStageHalves = (kM + kN) * kRowHalves;
  static constexpr unsigned kSharedBytes = kStages * kStageHalves * 2;
};

constexpr unsigned gemm_blocks_x(int n) { return ceil_div(n, GemmTile::kN); }
constexpr unsigned gemm_blocks_y(int m) { return ceil_div(m, GemmTile::kM); }

// Loads rows [row0, row0 + kRows) x [k0, k0 + kK) of src (rows ld apart,
// `rows` and `k` its extent) into a shared tile, 16-byte chunks spread over
// the block's threads.
template <int kRows>
MINIRT_DEVICE void gemm_load_tile(const dev::Shared<dev::half>& tile, unsigned tile_offset,
                                  const dev::half* src, int64_t ld, int rows, int k, int row0,
                                  int k0, bool vector_ok) {
  constexpr int kChunksPerRow = GemmTile::kK / 8;
  for (int c = static_cast<int>(dev::thread_idx()); c < kRows * kChunksPerRow;
       c += GemmTile::kThreads) {
    const int r = c / kChunksPerRow, kc = (c % kChunksPerRow) * 8;
    dev::half* dst = tile.ptr(tile_offset + r * GemmTile::kRowHalves + kc, 8);
    const int grow = row0 + r, gk = k0 + kc;
    if (vector_ok && grow < rows && gk + 8 <= k) {
      dev::cp_async_16(dst, src + grow * ld + gk);
    } else {
      for (int e = 0; e < 8; ++e) {
        dst[e] = (grow < rows && gk + e < k) ? src[grow * ld + gk + e] : dev::to_half(0.0f);
      }
    }
  }
}

template <typename Out>
MINIRT_GLOBAL void MINIRT_LAUNCH_BOUNDS(GemmTile::kThreads) gemm_kernel(const GemmParams<Out> p) {
  using T = GemmTile;
  const dev::Shared<dev::half> smem(0, T::kStages * T::kStageHalves);
  const int m0 = static_cast<int>(dev::block_idx_y()) * T::kM;
  const int n0 = static_cast<int>(dev::block_idx_x()) * T::kN;
  const int lane = static_cast<int>(dev::lane_id()), warp = static_cast<int>(dev::warp_id());
  const int warp_m = (warp / 2) * 32, warp_n = (warp % 2) * 32;
  const bool a_vector_ok = p.lda % 8 == 0 && reinterpret_cast<uintptr_t>(p.a) % 16 == 0;
  const bool w_vector_ok = p.k % 8 == 0 && reinterpret_cast<uintptr_t>(p.w) % 16 == 0;
  const int k_tiles = static_cast<int>(ceil_div(p.k, T::kK));

  auto load_stage = [&](int stage, int kt) {
    const unsigned base = stage * T::kStageHalves;
    gemm_load_tile<T::kM>(smem, base, p.a, p.lda, p.m, p.k, m0, kt * T::kK, a_vector_ok);
    gemm_load_tile<T::kN>(smem, base + T::kM * T::kRowHalves, p.w, p.k, p.n, p.k, n0, kt * T::kK,
                          w_vector_ok);
  };

  float acc[2][4][4] = {};
  for (int s = 0; s < T::kStages - 1; ++s) {
    if (s < k_tiles) load_stage(s, s);
    dev::cp_async_commit();
  }
  for (int kt = 0; kt < k_tiles; ++kt) {
    dev::cp_async_wait<T::kStages - 2>();
    dev::sync_threads();  // stage kt is in; everyone is done with stage kt - 1
    const int next = kt + T::kStages - 1;
    if (next < k_tiles) load_stage(next % T::kStages, next);
    dev::cp_async_commit();

    const unsigned a_base = (kt % T::kStages) * T::kStageHalves;
    const unsigned w_base = a_base + T::kM * T::kRowHalves;
    MINIRT_UNROLL
    for (int kk = 0; kk < T::kK; kk += 16) {
      uint32_t a[2][4], b[4][2];
      MINIRT_UNROLL
      for (int i = 0; i < 2; ++i) {
        // x4: lane l addresses row l % 16 at column 8 (l / 16) of the m16k16 tile.
        const int row = warp_m + i * 16 + lane % 16, col = kk + (lane / 16) * 8;
        dev::ldmatrix<4, false>(a[i], smem.ptr(a_base + row * T::kRowHalves + col, 8));
      }
      MINIRT_UNROLL
      for (int j2 = 0; j2 < 2; ++j2) {
        // x4 over two n8 tiles: matrices (n, k), (n, k + 8), (n + 8, k), (n + 8, k + 8).
        const int row = warp_n + j2 * 16 + (lane / 16) * 8 + lane % 8;
        const int col = kk + ((lane / 8) % 2) * 8;
        uint32_t r[4];
        dev::ldmatrix<4, false>(r, smem.ptr(w_base + row * T::kRowHalves + col, 8));
        b[2 * j2][0] = r[0];
        b[2 * j2][1] = r[1];
        b[2 * j2 + 1][0] = r[2];
        b[2 * j2 + 1][1] = r[3];
      }
      MINIRT_UNROLL
      for (int i = 0; i < 2; ++i) {
        MINIRT_UNROLL
        for (int j = 0; j < 4; ++j) dev::mma_m16n8k16(a[i], b[j], acc[i][j]);
      }
    }
  }
  dev::cp_async_wait<0>();  // only empty groups are left

  // Epilogue: c0, c1 at (g, 2t..2t+1), c2, c3 at (g + 8, 2t..2t+1).
  const int g = lane / 4, t = lane % 4;
  MINIRT_UNROLL
  for (int i = 0; i < 2; ++i) {
    MINIRT_UNROLL
    for (int j = 0; j < 4; ++j) {
      MINIRT_UNROLL
      for (int e = 0; e < 4; ++e) {
        const int row = m0 + warp_m + i * 16 + g + (e >= 2 ? 8 : 0);
        const int col = n0 + warp_n + j * 8 + 2 * t + (e & 1);
        if (row >= p.m || col >= p.n) continue;
        float v = acc[i][j][e] + (p.bias ? dev::to_float(p.bias[col]) : 0.0f);
        v = activate(p.activation, v);
        const int64_t at = static_cast<int64_t>(row) * p.n + col;
        if (p.residual) v += dev::to_float(p.residual[at]);
        store_value(p.dst + at, v);
      }
    }
  }
}

}  // namespace MINIRT_KERNEL_NAMESPACE
}  // namespace minirt::cuda
