#include <cmath>

#include "ops/ref/kernels.h"
#include "tests/unit/attention_test_cases.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

std::vector<double> reference_attention(const ref::AttentionArgs& args) {
  const int64_t seq = args.seq, head_dim = args.head_dim;
  const int64_t width = args.num_heads * head_dim;
  std::vector<double> dst(args.batch * seq * width, 0.0);
  std::vector<double> weights(seq);
  for (int64_t b = 0; b < args.batch; ++b) {
    const float* qkv = args.qkv + b * seq * 3 * width;
    for (int64_t h = 0; h < args.num_heads; ++h) {
      for (int64_t s = 0; s < seq; ++s) {
        const float* query = qkv + s * 3 * width + h * head_dim;
        for (int64_t t = 0; t < seq; ++t) {
          const float* key = qkv + t * 3 * width + width + h * head_dim;
          double score = 0.0;
          for (int64_t d = 0; d < head_dim; ++d) score += static_cast<double>(query[d]) * key[d];
          weights[t] = score * args.scale + args.mask_bias[b * seq + t];
        }
        const double max_score = *std::max_element(weights.begin(), weights.end());
        double sum = 0.0;
        for (double& w : weights) sum += (w = std::exp(w - max_score));
        double* out = dst.data() + (b * seq + s) * width + h * head_dim;
        for (int64_t t = 0; t < seq; ++t) {
          const float* value = qkv + t * 3 * width + 2 * width + h * head_dim;
          for (int64_t d = 0; d < head_dim; ++d) out[d] += weights[t] / sum * value[d];
        }
      }
    }
  }
  return dst;
}

TEST_CASE("ref::attention matches a double softmax loop under padding, on any thread count") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for_each_attention_case(
      rng,
      {{1, 1, 1, 1}, {2, 2, 2, 8}, {3, 7, 4, 16}, {2, 64, 2, 32}, {2, 129, 3, 8}, {1, 512, 4, 16}},
      [&](ref::AttentionArgs args, MaskKind) {
        std::vector<float> dst(args.batch * args.seq * args.num_heads * args.head_dim);
        args.dst = dst.data();
        SerialParallel serial;
        ref::attention(args, serial);
        check_close(dst, reference_attention(args), 1e-6 * std::sqrt(args.seq));
        check_threads_match_serial({dst}, [&](Parallel& p) { ref::attention(args, p); });
      });
}

// HF adds the lowest float for padded keys instead of -inf, so a row whose
// keys are all padded averages the values rather than producing NaN.
TEST_CASE("ref::attention averages the values when every key is masked") {
  constexpr int64_t kSeq = 5, kHeadDim = 3;
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::vector<float> qkv = random_floats(rng, kSeq * 3 * kHeadDim, -50.0f, 50.0f);
  const std::vector<float> mask_bias(kSeq, kMaskedBias);
  std::vector<float> dst(kSeq * kHeadDim);
  ref::AttentionArgs args;
  args.qkv = qkv.data();
  args.mask_bias = mask_bias.data();
  args.dst = dst.data();
  args.batch = 1;
  args.seq = kSeq;
  args.num_heads = 1;
  args.head_dim = kHeadDim;
  SerialParallel serial;
  ref::attention(args, serial);
  std::vector<double> mean_value(kSeq * kHeadDim, 0.0);
  for (int64_t s = 0; s < kSeq; ++s) {
    for (int64_t t = 0; t < kSeq; ++t) {
      for (int64_t d = 0; d < kHeadDim; ++d) {
        mean_value[s * kHeadDim + d] += qkv[t * 3 * kHeadDim + 2 * kHeadDim + d] / double{kSeq};
      }
    }
  }
  check_close(dst, mean_value, 1e-6);
}

}  // namespace
}  // namespace minirt::test
