#include <limits>

#include "ops/ref/kernels.h"
#include "tests/unit/layer_norm_reference.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

constexpr int64_t kVocab = 50, kTypeVocab = 2;

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

struct Shape {
  int64_t batch, seq, hidden;
};

TEST_CASE("ref::embed_layer_norm matches a double loop and writes the HF mask bias") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (Shape shape : {Shape{1, 1, 1}, Shape{2, 7, 33}, Shape{3, 129, 64}, Shape{1, 512, 128}}) {
    const int64_t hidden = shape.hidden, tokens = shape.batch * shape.seq;
    const int64_t max_positions = shape.seq + 3;
    const std::vector<int64_t> ids = random_ints(rng, tokens, 0, kVocab - 1);
    const std::vector<int64_t> types = random_ints(rng, tokens, 0, kTypeVocab - 1);
    const std::vector<int64_t> mask = random_padded_mask(rng, shape.batch, shape.seq);
    const std::vector<float> word = random_floats(rng, kVocab * hidden);
    const std::vector<float> position = random_floats(rng, max_positions * hidden);
    const std::vector<float> token_type = random_floats(rng, kTypeVocab * hidden);
    const std::vector<float> gamma = random_floats(rng, hidden, 0.5f, 1.5f);
    const std::vector<float> beta = random_floats(rng, hidden);
    for (bool with_types : {false, true}) {
      for (bool with_mask : {false, true}) {
        for (float epsilon : {1e-12f, 0.5f}) {
          CAPTURE(shape.batch);
          CAPTURE(shape.seq);
          CAPTURE(hidden);
          CAPTURE(with_types);
          CAPTURE(with_mask);
          CAPTURE(epsilon);
          std::vector<float> dst(tokens * hidden), mask_bias(tokens);
          ref::EmbedLayerNormArgs args;
          args.input_ids = ids.data();
          args.token_type_ids = with_types ? types.data() : nullptr;
          args.attention_mask = with_mask ? mask.data() : nullptr;
          args.word = word.data();
          args.position = position.data();
          args.token_type = token_type.data();
          args.gamma = gamma.data();
          args.beta = beta.data();
          args.batch = shape.batch;
          args.seq = shape.seq;
          args.hidden = hidden;
          args.epsilon = epsilon;
          args.dst = dst.data();
          args.mask_bias = mask_bias.data();
          SerialParallel serial;
          ref::embed_layer_norm(args, serial);
          check_close(dst, reference_embed(args), 1e-6);
          std::vector<float> want_bias(tokens, 0.0f);
          for (int64_t i = 0; i < tokens; ++i) {
            if (with_mask && mask[i] == 0) want_bias[i] = std::numeric_limits<float>::lowest();
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
