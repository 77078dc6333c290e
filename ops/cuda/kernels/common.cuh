// Small device helpers shared by the CUDA kernels.
#pragma once

#include "ops/cuda/device/simt.cuh"
#include "ops/op_types.h"

namespace minirt::cuda {
inline namespace MINIRT_KERNEL_NAMESPACE {

// Sum over the warp's 32 lanes; every lane gets the total.
MINIRT_DEVICE float warp_sum(float v) {
  for (int mask = 16; mask >= 1; mask /= 2) v += dev::shfl_xor(v, mask);
  return v;
}

// Kernels write fp16 activations or fp32 outputs through one overload set.
MINIRT_DEVICE void store_value(float* p, float v) { *p = v; }
MINIRT_DEVICE void store_value(dev::half* p, float v) { *p = dev::to_half(v); }

// The MatMul epilogue activations, in fp32, as ops/ref/activation.h defines them.
MINIRT_DEVICE float activate(Activation act, float x) {
  switch (act) {
    case Activation::kNone:
      return x;
    case Activation::kGeluErf:
      return 0.5f * x * (1.0f + dev::erf(x * 0.70710678118654752f));
    case Activation::kGeluTanh:
      return 0.5f * x * (1.0f + dev::tanh(0.79788456080286536f * (x + 0.044715f * x * x * x)));
    case Activation::kTanh:
      return dev::tanh(x);
  }
  return x;
}

// Used by the launch geometry on the host and by kernels.
MINIRT_HOST_DEVICE constexpr unsigned ceil_div(long long a, long long b) {
  return static_cast<unsigned>((a + b - 1) / b);
}

}  // namespace MINIRT_KERNEL_NAMESPACE
}  // namespace minirt::cuda
