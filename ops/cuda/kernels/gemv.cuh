// The small-M path of the MatMul (M <= 8: batch 1 and short sequences, the
// pooler): GEMV style, one warp per output column, so the weights (the bytes
// that matter at small M) stream once through every SM. The tiled GEMM would
// give 64-row tiles to a handful of rows and leave most SMs idle.
//   dst[m,n] = act(sum_k a[m,k] * w[n,k] + bias[n]) + residual[m,n]
// The warp reads its weight row 16 bytes per lane at a time when K, lda and
// the pointers allow (else one half per lane), dots it with each A row in
// fp32, sums over the warp, and lane r writes row r.
#pragma once

#include <cstdint>

#include "ops/cuda/kernels/common.cuh"
#include "ops/cuda/kernels/gemm.cuh"
#include "ops/cuda/launch.h"

namespace minirt::cuda {
inline namespace MINIRT_KERNEL_NAMESPACE {

struct GemvTile {
  static constexpr int kMaxRows = static_cast<int>(kGemvMaxRows);
  static constexpr unsigned kWarps = 4;
  static constexpr unsigned kThreads = kWarps * dev::kWarpSize;
};

constexpr unsigned gemv_blocks(int n) { return ceil_div(n, GemvTile::kWarps); }

template <typename Out>
MINIRT_GLOBAL void MINIRT_LAUNCH_BOUNDS(GemvTile::kThreads) gemv_kernel(const GemmParams<Out> p) {
  constexpr int kRows = GemvTile::kMaxRows;
  const int n = static_cast<int>(dev::block_idx_x() * GemvTile::kWarps + dev::warp_id());
  if (n >= p.n) return;  // the whole warp leaves together
  const int lane = static_cast<int>(dev::lane_id());
  const dev::half* w = p.w + static_cast<int64_t>(n) * p.k;
  const bool vector_ok = p.k % 8 == 0 && p.lda % 8 == 0 &&
                         reinterpret_cast<uintptr_t>(p.w) % 16 == 0 &&
                         reinterpret_cast<uintptr_t>(p.a) % 16 == 0;
  float acc[kRows] = {};
  if (vector_ok) {
    for (int k0 = lane * 8; k0 < p.k; k0 += dev::kWarpSize * 8) {
      float wv[8];
      dev::load_half8(w + k0, wv);
      MINIRT_UNROLL
      for (int r = 0; r < kRows; ++r) {
        if (r >= p.m) break;
        float av[8];
        dev::load_half8(p.a + r * p.lda + k0, av);
        MINIRT_UNROLL
        for (int e = 0; e < 8; ++e) acc[r] += av[e] * wv[e];
      }
    }
  } else {
    for (int k = lane; k < p.k; k += dev::kWarpSize) {
      const float wv = dev::to_float(w[k]);
      MINIRT_UNROLL
      for (int r = 0; r < kRows; ++r) {
        if (r >= p.m) break;
        acc[r] += dev::to_float(p.a[r * p.lda + k]) * wv;
      }
    }
  }
  const float bias = p.bias ? dev::to_float(p.bias[n]) : 0.0f;
  MINIRT_UNROLL
  for (int r = 0; r < kRows; ++r) {
    if (r >= p.m) break;  // m is the same for the whole warp
    const float sum = warp_sum(acc[r]);
    if (lane != r) continue;
    float v = activate(p.activation, sum + bias);
    const int64_t at = static_cast<int64_t>(r) * p.n + n;
    if (p.residual) v += dev::to_float(p.residual[at]);
    store_value(p.dst + at, v);
  }
}

}  // namespace MINIRT_KERNEL_NAMESPACE
}  // namespace minirt::cuda
