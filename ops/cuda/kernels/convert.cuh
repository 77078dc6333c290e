// fp16 -> Out (float: a model output leaving the fp16 activations for the
// caller's floats), one element per thread.
#pragma once

#include <cstdint>

#include "ops/cuda/kernels/common.cuh"

namespace minirt::cuda {
inline namespace MINIRT_KERNEL_NAMESPACE {

template <typename Out>
struct ConvertParams {
  const dev::half* src = nullptr;
  Out* dst = nullptr;
  int64_t count = 0;
};

constexpr unsigned kConvertThreads = 256;
constexpr unsigned convert_blocks(long long count) { return ceil_div(count, kConvertThreads); }

template <typename Out>
MINIRT_GLOBAL void MINIRT_LAUNCH_BOUNDS(kConvertThreads)
    convert_kernel(const ConvertParams<Out> p) {
  const int64_t i = static_cast<int64_t>(dev::block_idx_x()) * kConvertThreads + dev::thread_idx();
  if (i < p.count) store_value(p.dst + i, dev::to_float(p.src[i]));
}

}  // namespace MINIRT_KERNEL_NAMESPACE
}  // namespace minirt::cuda
