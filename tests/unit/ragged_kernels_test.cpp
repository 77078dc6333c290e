// The ragged forms of the kernels (cu_seqlens set): the reference kernels'
// packed rows equal their padded results at every valid position, and the
// CPU kernels match the reference's ragged form on every ISA and thread count.
// Lengths include 1, the longest, and the attention kernel's block (128 query
// rows) and tile edges.
#include <doctest/doctest.h>

#include <algorithm>
#include <cfloat>
#include <limits>
#include <vector>

#include "ops/cpu/attention.h"
#include "ops/cpu/embed_layer_norm.h"
#include "ops/ref/kernels.h"
#include "tests/unit/attention_test_cases.h"
#include "tests/unit/cpu_kernel_isas.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

// Sequences packed back to back, and where each sits in a padded [n, longest] grid.
struct Packing {
  std::vector<int32_t> cu{0};
  int64_t longest = 0;

  explicit Packing(const std::vector<int64_t>& lengths) {
    for (int64_t l : lengths) {
      cu.push_back(static_cast<int32_t>(cu.back() + l));
      longest = std::max(longest, l);
    }
  }
  int64_t count() const { return static_cast<int64_t>(cu.size()) - 1; }
  int64_t tokens() const { return cu.back(); }
  int64_t length(int64_t b) const { return cu[b + 1] - cu[b]; }
  // Calls fn(packed row, padded row) for every valid token.
  template <typename Fn>
  void for_each_token(Fn&& fn) const {
    for (int64_t b = 0; b < count(); ++b)
      for (int64_t s = 0; s < length(b); ++s) fn(cu[b] + s, b * longest + s);
  }
  // Packed rows of `width` into a padded grid; padding rows filled with `fill`.
  template <typename T>
  std::vector<T> pad(const std::vector<T>& packed, int64_t width, T fill) const {
    std::vector<T> padded(static_cast<size_t>(count() * longest * width), fill);
    for_each_token([&](int64_t from, int64_t to) {
      std::copy_n(packed.begin() + from * width, width, padded.begin() + to * width);
    });
    return padded;
  }
};

const std::vector<std::vector<int64_t>> kLengthSets = {
    {1}, {7}, {1, 1, 1}, {3, 1, 17, 2}, {128, 1, 129}, {33, 64, 5, 200}, {1, 300, 16, 31}};

void check_rows_equal(const Packing& p, const std::vector<float>& packed,
                      const std::vector<float>& padded, int64_t width) {
  p.for_each_token([&](int64_t from, int64_t to) {
    CHECK(std::equal(packed.begin() + from * width, packed.begin() + (from + 1) * width,
                     padded.begin() + to * width));
  });
}

// Random embedding tables and packed ids/types for a Packing; args() is the
// ragged EmbedLayerNorm over them (mask_bias left nullptr: a ragged run never
// writes it).
struct RandomEmbedding {
  std::vector<float> word, position, token_type, gamma, beta;
  std::vector<int64_t> ids, types;

  RandomEmbedding(std::mt19937& rng, const Packing& p, int64_t hidden, int64_t vocab)
      : word(random_floats(rng, static_cast<size_t>(vocab * hidden))),
        position(random_floats(rng, static_cast<size_t>(p.longest * hidden))),
        token_type(random_floats(rng, static_cast<size_t>(2 * hidden))),
        gamma(random_floats(rng, static_cast<size_t>(hidden))),
        beta(random_floats(rng, static_cast<size_t>(hidden))),
        ids(random_ints(rng, static_cast<size_t>(p.tokens()), 0, vocab - 1)),
        types(random_ints(rng, static_cast<size_t>(p.tokens()), 0, 1)) {}

  ref::EmbedLayerNormArgs args(const Packing& p, int64_t hidden, float* dst) const {
    return {.input_ids = ids.data(),
            .token_type_ids = types.data(),
            .word = word.data(),
            .position = position.data(),
            .token_type = token_type.data(),
            .gamma = gamma.data(),
            .beta = beta.data(),
            .batch = p.count(),
            .seq = p.longest,
            .hidden = hidden,
            .dst = dst,
            .cu_seqlens = p.cu.data()};
  }
};

TEST_CASE("ref ragged forms equal the padded kernels at every valid position") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  SerialParallel serial;
  for (const auto& lengths : kLengthSets) {
    const Packing p(lengths);
    CAPTURE(p.count());
    CAPTURE(p.longest);
    const int64_t hidden = 24, vocab = 50, heads = 2, head_dim = 12;
    // Embedding + LayerNorm: positions restart in each sequence.
    const RandomEmbedding e(rng, p, hidden, vocab);
    const auto padded_ids = p.pad(e.ids, 1, int64_t{0}),
               padded_types = p.pad(e.types, 1, int64_t{0});
    const auto mask = p.pad(std::vector<int64_t>(e.ids.size(), 1), 1, int64_t{0});
    std::vector<float> ragged_hidden(static_cast<size_t>(p.tokens() * hidden));
    ref::EmbedLayerNormArgs embed = e.args(p, hidden, ragged_hidden.data());
    ref::embed_layer_norm(embed, serial);
    std::vector<float> padded_hidden(static_cast<size_t>(p.count() * p.longest * hidden));
    std::vector<float> mask_bias(static_cast<size_t>(p.count() * p.longest));
    embed.input_ids = padded_ids.data();
    embed.token_type_ids = padded_types.data();
    embed.attention_mask = mask.data();
    embed.dst = padded_hidden.data();
    embed.mask_bias = mask_bias.data();
    embed.cu_seqlens = nullptr;
    ref::embed_layer_norm(embed, serial);
    check_rows_equal(p, ragged_hidden, padded_hidden, hidden);

    // Attention: each sequence over its own keys, no mask.
    const int64_t width = heads * head_dim;
    const auto qkv = random_floats(rng, static_cast<size_t>(p.tokens() * 3 * width));
    const auto padded_qkv = p.pad(qkv, 3 * width, 0.5f);
    std::vector<float> ragged_out(static_cast<size_t>(p.tokens() * width));
    std::vector<float> padded_out(static_cast<size_t>(p.count() * p.longest * width));
    ref::AttentionArgs attention{.qkv = qkv.data(),
                                 .dst = ragged_out.data(),
                                 .batch = p.count(),
                                 .seq = p.longest,
                                 .num_heads = heads,
                                 .head_dim = head_dim,
                                 .scale = 0.3f,
                                 .cu_seqlens = p.cu.data()};
    ref::attention(attention, serial);
    attention.qkv = padded_qkv.data();
    attention.mask_bias = mask_bias.data();
    attention.dst = padded_out.data();
    attention.cu_seqlens = nullptr;
    ref::attention(attention, serial);
    check_rows_equal(p, ragged_out, padded_out, width);

    // Pooler: the first token of each sequence.
    const auto weight = random_floats(rng, static_cast<size_t>(hidden * hidden));
    std::vector<float> ragged_pooled(static_cast<size_t>(p.count() * hidden));
    std::vector<float> padded_pooled(ragged_pooled.size());
    ref::PoolerArgs pooler{.hidden = ragged_hidden.data(),
                           .weight = weight.data(),
                           .bias = e.beta.data(),
                           .dst = ragged_pooled.data(),
                           .batch = p.count(),
                           .seq = p.longest,
                           .hidden_size = hidden,
                           .cu_seqlens = p.cu.data()};
    ref::pooler(pooler, serial);
    pooler.hidden = padded_hidden.data();
    pooler.dst = padded_pooled.data();
    pooler.cu_seqlens = nullptr;
    ref::pooler(pooler, serial);
    CHECK(ragged_pooled == padded_pooled);
  }
}

const std::initializer_list<IsaKernel<cpu::AttentionKernel>> kAttentionKernels = {
    {CpuIsa::kAvx2, cpu::attention_avx2}, {CpuIsa::kAvx512, cpu::attention_avx512}};
const std::initializer_list<IsaKernel<cpu::EmbedLayerNormKernel>> kEmbedKernels = {
    {CpuIsa::kAvx2, cpu::embed_layer_norm_avx2}, {CpuIsa::kAvx512, cpu::embed_layer_norm_avx512}};

// Calls check(args, got, tokens) for every length set and head dim on fresh
// random QKV packed by the set, with args.dst = got.data() (tokens x width).
template <class Check>
void for_each_ragged_attention_case(std::mt19937& rng, Check check) {
  for (const auto& lengths : kLengthSets) {
    for (int64_t head_dim : {64, 32, 13}) {
      const Packing p(lengths);
      CAPTURE(p.count());
      CAPTURE(head_dim);
      const int64_t heads = 2, width = heads * head_dim;
      const auto qkv = random_floats(rng, static_cast<size_t>(p.tokens() * 3 * width));
      std::vector<float> got(static_cast<size_t>(p.tokens() * width));
      const ref::AttentionArgs args{.qkv = qkv.data(),
                                    .dst = got.data(),
                                    .batch = p.count(),
                                    .seq = p.longest,
                                    .num_heads = heads,
                                    .head_dim = head_dim,
                                    .scale = 0.125f,
                                    .cu_seqlens = p.cu.data()};
      check(args, got, p.tokens());
    }
  }
}

TEST_CASE("cpu ragged attention matches ref's ragged form, on every ISA and thread count") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for_each_runnable_isa(kAttentionKernels, [&](cpu::AttentionKernel kernel) {
    for_each_ragged_attention_case(
        rng, [&](const ref::AttentionArgs& args, std::vector<float>& got, int64_t) {
          std::vector<float> want(got.size());
          ref::AttentionArgs ref_args = args;
          ref_args.dst = want.data();
          SerialParallel serial;
          ref::attention(ref_args, serial);
          kernel(args, serial);
          check_close(got, std::vector<double>(want.begin(), want.end()), 2e-6);
          check_threads_match_serial({got}, [&](Parallel& par) { kernel(args, par); });
        });
  });
}

TEST_CASE("cpu ragged attention with bf16 products keeps within the bf16 budget of ref") {
  if (!isa_runs_here(CpuIsa::kAvx512Bf16)) return;
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for_each_ragged_attention_case(
      rng, [&](const ref::AttentionArgs& args, std::vector<float>& got, int64_t tokens) {
        check_bf16_products(args, tokens, cpu::attention_avx512_bf16);
        check_threads_match_serial({got},
                                   [&](Parallel& par) { cpu::attention_avx512_bf16(args, par); });
      });
}

TEST_CASE("cpu ragged embed_layer_norm matches ref's ragged form, on every ISA and thread count") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for_each_runnable_isa(kEmbedKernels, [&](cpu::EmbedLayerNormKernel kernel) {
    for (const auto& lengths : kLengthSets) {
      const Packing p(lengths);
      CAPTURE(p.count());
      const int64_t hidden = 40, vocab = 30;
      const RandomEmbedding e(rng, p, hidden, vocab);
      std::vector<float> got(static_cast<size_t>(p.tokens() * hidden)), want(got.size());
      ref::EmbedLayerNormArgs args = e.args(p, hidden, want.data());
      SerialParallel serial;
      ref::embed_layer_norm(args, serial);
      args.dst = got.data();
      kernel(args, serial);
      check_close(got, std::vector<double>(want.begin(), want.end()), 8 * FLT_EPSILON);
      check_threads_match_serial({got}, [&](Parallel& par) { kernel(args, par); });
    }
  });
}

}  // namespace
}  // namespace minirt::test
