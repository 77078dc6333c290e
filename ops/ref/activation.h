// The MatMul epilogue activations, one float at a time, as PyTorch defines them.
#pragma once

#include <cmath>
#include <numbers>

#include "ops/op_types.h"

namespace minirt::ref {

inline float apply_activation(Activation act, float x) {
  switch (act) {
    case Activation::kNone:
      return x;
    case Activation::kGeluErf: {  // nn.GELU(): 0.5 x (1 + erf(x / sqrt 2))
      constexpr float kInvSqrt2 = static_cast<float>(1.0 / std::numbers::sqrt2);
      return 0.5f * x * (1.0f + std::erf(x * kInvSqrt2));
    }
    case Activation::kGeluTanh: {  // nn.GELU(approximate="tanh")
      constexpr float kSqrt2OverPi =
          static_cast<float>(std::numbers::sqrt2 * std::numbers::inv_sqrtpi);
      return 0.5f * x * (1.0f + std::tanh(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
    }
    case Activation::kTanh:
      return std::tanh(x);
  }
  return x;
}

}  // namespace minirt::ref
