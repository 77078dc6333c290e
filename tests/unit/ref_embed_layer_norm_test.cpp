#include <limits>

#include "ops/ref/kernels.h"
#include "tests/unit/embed_layer_norm_test_cases.h"
#include "tests/unit/layer_norm_reference.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

std::vector<double> reference_embed(const ref::EmbedLayerNormArgs& args) {
  const int64_t hidden = args.hidden;
  std::vector<double> dst(args.batch * args.seq * hidden);
  for (int64_t token = 0; token < args.batch * args.seq; ++token) {
    const int64_t type = args.token_type_ids ? args.token_type_ids[token] : 0;
    std::span<double> row = std::span(dst).subspan(token * hidden, hidden);
    for (int64_t i = 0; i < hidden; ++i) {
      row[i] = static_cast<double>(args.word[args.input_ids[token] * hidden + i]) +
               args.position[(token % args.seq) * hidden + i] + args.token_type[type * hidden + i];
    }
    reference_layer_norm_row(row, args.gamma, args.beta, args.epsilon);
  }
  return dst;
}

TEST_CASE("ref::embed_layer_norm matches a double loop and writes the HF mask bias") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (EmbedShape shape : {EmbedShape{1, 1, 1}, EmbedShape{2, 7, 33}, EmbedShape{3, 129, 64},
                           EmbedShape{1, 512, 128}}) {
    const EmbedCase embed(rng, shape);
    const int64_t tokens = shape.batch * shape.seq;
    for (bool with_types : {false, true}) {
      for (bool with_mask : {false, true}) {
        for (float epsilon : {1e-12f, 0.5f}) {
          CAPTURE(shape.batch);
          CAPTURE(shape.seq);
          CAPTURE(shape.hidden);
          CAPTURE(with_types);
          CAPTURE(with_mask);
          CAPTURE(epsilon);
          std::vector<float> dst(tokens * shape.hidden), mask_bias(tokens);
          ref::EmbedLayerNormArgs args = embed.args(with_types, with_mask);
          args.epsilon = epsilon;
          args.dst = dst.data();
          args.mask_bias = mask_bias.data();
          SerialParallel serial;
          ref::embed_layer_norm(args, serial);
          check_close(dst, reference_embed(args), 1e-6);
          std::vector<float> want_bias(tokens, 0.0f);
          for (int64_t i = 0; i < tokens; ++i) {
            if (with_mask && embed.mask[i] == 0)
              want_bias[i] = std::numeric_limits<float>::lowest();
          }
          CHECK(mask_bias == want_bias);
          check_threads_match_serial({dst, mask_bias},
                                     [&](Parallel& p) { ref::embed_layer_norm(args, p); });
        }
      }
    }
  }
}

}  // namespace
}  // namespace minirt::test
