#include <cmath>

#include "ops/ref/kernels.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

std::vector<double> reference_pooler(const ref::PoolerArgs& args) {
  const int64_t size = args.hidden_size;
  std::vector<double> dst(args.batch * size);
  for (int64_t b = 0; b < args.batch; ++b) {
    const float* first_token = args.hidden + b * args.seq * size;
    for (int64_t j = 0; j < size; ++j) {
      double sum = args.bias[j];
      for (int64_t p = 0; p < size; ++p) {
        sum += static_cast<double>(first_token[p]) * args.weight[j * size + p];
      }
      dst[b * size + j] = std::tanh(sum);
    }
  }
  return dst;
}

struct Shape {
  int64_t batch, seq, hidden_size;
};

TEST_CASE("ref::pooler is tanh of the first token's projection, on any thread count") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (Shape shape : {Shape{1, 1, 1}, Shape{2, 4, 7}, Shape{3, 5, 64}, Shape{1, 9, 128}}) {
    CAPTURE(shape.batch);
    CAPTURE(shape.seq);
    CAPTURE(shape.hidden_size);
    const int64_t size = shape.hidden_size;
    // Every token is random: reading any but the first would show.
    const std::vector<float> hidden = random_floats(rng, shape.batch * shape.seq * size);
    const float weight_range = 2.0f / std::sqrt(static_cast<float>(size));
    const std::vector<float> weight = random_floats(rng, size * size, -weight_range, weight_range);
    const std::vector<float> bias = random_floats(rng, size);
    std::vector<float> dst(shape.batch * size);
    ref::PoolerArgs args;
    args.hidden = hidden.data();
    args.weight = weight.data();
    args.bias = bias.data();
    args.dst = dst.data();
    args.batch = shape.batch;
    args.seq = shape.seq;
    args.hidden_size = size;
    SerialParallel serial;
    ref::pooler(args, serial);
    check_close(dst, reference_pooler(args), 1e-6 * std::sqrt(size));
    check_threads_match_serial({dst}, [&](Parallel& p) { ref::pooler(args, p); });
  }
}

}  // namespace
}  // namespace minirt::test
