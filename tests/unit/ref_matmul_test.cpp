#include <cmath>
#include <numbers>

#include "ops/ref/kernels.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

double activate(Activation act, double x) {
  switch (act) {
    case Activation::kNone:
      return x;
    case Activation::kGeluErf:
      return 0.5 * x * (1.0 + std::erf(x / std::numbers::sqrt2));
    case Activation::kGeluTanh:
      return 0.5 * x *
             (1.0 + std::tanh(std::sqrt(2.0 / std::numbers::pi) * (x + 0.044715 * x * x * x)));
    case Activation::kTanh:
      return std::tanh(x);
  }
  return NAN;
}

std::vector<double> reference_matmul(const ref::MatMulArgs& args) {
  std::vector<double> dst(args.m * args.n);
  for (int64_t i = 0; i < args.m; ++i) {
    for (int64_t j = 0; j < args.n; ++j) {
      double sum = args.bias ? args.bias[j] : 0.0;
      for (int64_t p = 0; p < args.k; ++p) {
        sum += static_cast<double>(args.src[i * args.k + p]) * args.weight[j * args.k + p];
      }
      dst[i * args.n + j] =
          activate(args.activation, sum) + (args.residual ? args.residual[i * args.n + j] : 0.0);
    }
  }
  return dst;
}

struct Shape {
  int64_t m, k, n;
};

TEST_CASE("ref::matmul matches a double loop for every epilogue, on any thread count") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (Shape shape : {Shape{1, 1, 1}, Shape{1, 7, 13}, Shape{3, 33, 17}, Shape{2, 64, 1},
                      Shape{17, 128, 31}, Shape{5, 768, 65}}) {
    CAPTURE(shape.m);
    CAPTURE(shape.k);
    CAPTURE(shape.n);
    const std::vector<float> src = random_floats(rng, shape.m * shape.k);
    // Weights scaled like a trained layer, so activations see inputs of order
    // 1, where their curvature shows, rather than saturating.
    const float weight_range = 2.0f / std::sqrt(static_cast<float>(shape.k));
    const std::vector<float> weight =
        random_floats(rng, shape.n * shape.k, -weight_range, weight_range);
    const std::vector<float> bias = random_floats(rng, shape.n);
    const std::vector<float> residual = random_floats(rng, shape.m * shape.n);
    std::vector<float> dst(shape.m * shape.n);
    for (Activation act :
         {Activation::kNone, Activation::kGeluErf, Activation::kGeluTanh, Activation::kTanh}) {
      for (bool with_bias : {false, true}) {
        for (bool with_residual : {false, true}) {
          CAPTURE(activation_name(act));
          CAPTURE(with_bias);
          CAPTURE(with_residual);
          ref::MatMulArgs args;
          args.src = src.data();
          args.weight = weight.data();
          args.bias = with_bias ? bias.data() : nullptr;
          args.residual = with_residual ? residual.data() : nullptr;
          args.dst = dst.data();
          args.m = shape.m;
          args.k = shape.k;
          args.n = shape.n;
          args.activation = act;
          SerialParallel serial;
          ref::matmul(args, serial);
          check_close(dst, reference_matmul(args), 1e-6 * std::sqrt(shape.k));
          check_threads_match_serial({dst}, [&](Parallel& p) { ref::matmul(args, p); });
        }
      }
    }
  }
}

}  // namespace
}  // namespace minirt::test
