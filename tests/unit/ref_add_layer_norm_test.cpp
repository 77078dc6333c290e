#include "ops/ref/kernels.h"
#include "tests/unit/layer_norm_reference.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

std::vector<double> reference_add_layer_norm(const ref::AddLayerNormArgs& args) {
  std::vector<double> dst(args.rows * args.hidden);
  for (int64_t i = 0; i < args.rows * args.hidden; ++i) {
    dst[i] = static_cast<double>(args.src[i]) + args.residual[i];
  }
  for (int64_t r = 0; r < args.rows; ++r) {
    reference_layer_norm_row(std::span(dst).subspan(r * args.hidden, args.hidden), args.gamma,
                             args.beta, args.epsilon);
  }
  return dst;
}

struct Shape {
  int64_t rows, hidden;
};

TEST_CASE("ref::add_layer_norm matches a double loop, in place or not, on any thread count") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (Shape shape : {Shape{1, 1}, Shape{3, 7}, Shape{17, 64}, Shape{200, 768}}) {
    // An offset far above the spread breaks a one-pass E[x^2] - E[x]^2 variance.
    for (float offset : {0.0f, 1000.0f}) {
      for (float epsilon : {1e-12f, 0.5f}) {
        for (bool in_place : {false, true}) {
          CAPTURE(shape.rows);
          CAPTURE(shape.hidden);
          CAPTURE(offset);
          CAPTURE(epsilon);
          CAPTURE(in_place);
          const int64_t count = shape.rows * shape.hidden;
          std::vector<float> src = random_floats(rng, count, offset - 1.0f, offset + 1.0f);
          const std::vector<float> residual = random_floats(rng, count);
          const std::vector<float> gamma = random_floats(rng, shape.hidden, 0.5f, 1.5f);
          const std::vector<float> beta = random_floats(rng, shape.hidden);
          std::vector<float> separate_dst(count);
          ref::AddLayerNormArgs args;
          args.src = src.data();
          args.residual = residual.data();
          args.gamma = gamma.data();
          args.beta = beta.data();
          args.dst = in_place ? src.data() : separate_dst.data();
          args.rows = shape.rows;
          args.hidden = shape.hidden;
          args.epsilon = epsilon;
          const std::vector<double> want = reference_add_layer_norm(args);
          SerialParallel serial;
          ref::add_layer_norm(args, serial);
          std::span<float> dst(args.dst, count);
          check_close(dst, want, 1e-6);
          // In place, the first run overwrote src, so only out-of-place runs are redone.
          if (!in_place) {
            check_threads_match_serial({dst}, [&](Parallel& p) { ref::add_layer_norm(args, p); });
          }
        }
      }
    }
  }
}

TEST_CASE("ref::add_layer_norm maps a constant row to beta") {
  constexpr int64_t kHidden = 5;
  const std::vector<float> src(kHidden, 3.0f), residual(kHidden, -1.25f);
  const std::vector<float> gamma = {1, 2, 3, 4, 5}, beta = {0.5f, -1, 0, 2, 7};
  std::vector<float> dst(kHidden);
  ref::AddLayerNormArgs args;
  args.src = src.data();
  args.residual = residual.data();
  args.gamma = gamma.data();
  args.beta = beta.data();
  args.dst = dst.data();
  args.rows = 1;
  args.hidden = kHidden;
  SerialParallel serial;
  ref::add_layer_norm(args, serial);
  CHECK(dst == beta);
}

}  // namespace
}  // namespace minirt::test
