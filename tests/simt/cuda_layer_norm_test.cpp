// The CUDA LayerNorm kernels on the SIMT emulator against ops/ref, on fresh
// random fp16 data, fp32 and fp16 outputs.
#include <doctest/doctest.h>

#include "ops/cuda/kernels/layer_norm.cuh"
#include "ops/ref/kernels.h"
#include "tests/simt/kernel_test_util.h"

namespace minirt::test {
namespace {

using cuda::dev::half;

template <typename Out>
void check_add_layer_norm(std::mt19937& rng, int rows, int hidden, bool with_residual) {
  CAPTURE(rows);
  CAPTURE(hidden);
  CAPTURE(with_residual);
  const std::vector<float> src = random_halves(rng, rows * hidden, -3.0f, 3.0f);
  const std::vector<float> residual = random_halves(rng, rows * hidden, -3.0f, 3.0f);
  const std::vector<float> gamma = random_halves(rng, hidden, 0.5f, 1.5f);
  const std::vector<float> beta = random_halves(rng, hidden);
  const std::vector<Half> src_h = to_halves(src), residual_h = to_halves(residual),
                          gamma_h = to_halves(gamma), beta_h = to_halves(beta);

  std::vector<float> want(rows * hidden);
  ref::AddLayerNormArgs args;
  args.src = src.data();
  std::vector<float> zeros(rows * hidden, 0.0f);
  args.residual = with_residual ? residual.data() : zeros.data();
  args.gamma = gamma.data();
  args.beta = beta.data();
  args.dst = want.data();
  args.rows = rows;
  args.hidden = hidden;
  SerialParallel serial;
  ref::add_layer_norm(args, serial);

  std::vector<Out> got = poisoned<Out>(rows * hidden);
  cuda::AddLayerNormParams<Out> p;
  p.src = src_h.data();
  p.residual = with_residual ? residual_h.data() : nullptr;
  p.gamma = gamma_h.data();
  p.beta = beta_h.data();
  p.dst = got.data();
  p.rows = rows;
  p.hidden = hidden;
  simt::launch({{cuda::layer_norm_blocks(rows), 1, 1}, cuda::kLayerNormThreads, 0},
               cuda::add_layer_norm_kernel<Out>, p);
  check_close(as_floats(got), to_doubles(want), output_tolerance<Out>());
}

TEST_CASE("CUDA add_layer_norm matches ref::add_layer_norm, fp32 and fp16 outputs") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int rows : {1, 3, 6}) {
    for (int hidden : {1, 7, 32, 33, 384, 768}) {
      for (bool with_residual : {false, true}) {
        check_add_layer_norm<float>(rng, rows, hidden, with_residual);
        check_add_layer_norm<half>(rng, rows, hidden, with_residual);
      }
    }
  }
}

template <typename Out>
void check_embed_layer_norm(std::mt19937& rng, int batch, int seq, int hidden, bool with_types,
                            bool with_mask) {
  CAPTURE(batch);
  CAPTURE(seq);
  CAPTURE(hidden);
  CAPTURE(with_types);
  CAPTURE(with_mask);
  const int vocab = 50, max_positions = 64, type_vocab = 2;
  const std::vector<float> word = random_halves(rng, vocab * hidden);
  const std::vector<float> position = random_halves(rng, max_positions * hidden);
  const std::vector<float> token_type = random_halves(rng, type_vocab * hidden);
  const std::vector<float> gamma = random_halves(rng, hidden, 0.5f, 1.5f);
  const std::vector<float> beta = random_halves(rng, hidden);
  const std::vector<int64_t> ids = random_ints(rng, batch * seq, 0, vocab - 1);
  const std::vector<int64_t> types = random_ints(rng, batch * seq, 0, type_vocab - 1);
  const std::vector<int64_t> mask = random_padded_mask(rng, batch, seq);
  const std::vector<Half> word_h = to_halves(word), position_h = to_halves(position),
                          token_type_h = to_halves(token_type), gamma_h = to_halves(gamma),
                          beta_h = to_halves(beta);

  std::vector<float> want(batch * seq * hidden), want_bias(batch * seq);
  ref::EmbedLayerNormArgs args;
  args.input_ids = ids.data();
  args.token_type_ids = with_types ? types.data() : nullptr;
  args.attention_mask = with_mask ? mask.data() : nullptr;
  args.word = word.data();
  args.position = position.data();
  args.token_type = token_type.data();
  args.gamma = gamma.data();
  args.beta = beta.data();
  args.batch = batch;
  args.seq = seq;
  args.hidden = hidden;
  args.dst = want.data();
  args.mask_bias = want_bias.data();
  SerialParallel serial;
  ref::embed_layer_norm(args, serial);

  std::vector<Out> got = poisoned<Out>(batch * seq * hidden);
  std::vector<float> got_bias = poisoned<float>(batch * seq);
  cuda::EmbedLayerNormParams<Out> p;
  p.input_ids = ids.data();
  p.token_type_ids = args.token_type_ids;
  p.attention_mask = args.attention_mask;
  p.word = word_h.data();
  p.position = position_h.data();
  p.token_type = token_type_h.data();
  p.gamma = gamma_h.data();
  p.beta = beta_h.data();
  p.dst = got.data();
  p.mask_bias = got_bias.data();
  p.batch = batch;
  p.seq = seq;
  p.hidden = hidden;
  simt::launch({{cuda::layer_norm_blocks(batch * seq), 1, 1}, cuda::kLayerNormThreads, 0},
               cuda::embed_layer_norm_kernel<Out>, p);
  check_close(as_floats(got), to_doubles(want), output_tolerance<Out>());
  CHECK(got_bias == want_bias);  // exact: 0 or the lowest float
}

TEST_CASE("CUDA embed_layer_norm matches ref::embed_layer_norm, with and without types and mask") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (auto [batch, seq] : {std::pair{1, 1}, std::pair{2, 7}, std::pair{3, 64}}) {
    for (int hidden : {32, 45, 384}) {
      for (bool with_types : {false, true}) {
        for (bool with_mask : {false, true}) {
          check_embed_layer_norm<float>(rng, batch, seq, hidden, with_types, with_mask);
          check_embed_layer_norm<half>(rng, batch, seq, hidden, with_types, with_mask);
        }
      }
    }
  }
}

}  // namespace
}  // namespace minirt::test
