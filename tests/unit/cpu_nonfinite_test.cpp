// NaN and infinity through every CPU kernel: each kernel, given a NaN, +inf
// or -inf in one input element, must give NaN, +inf, -inf or a finite number
// exactly where the reference kernel does (a NaN weight must never come out
// as a confident finite number). The values are checked elsewhere; here only
// each element's class.
#include <cmath>
#include <limits>
#include <string>

#include "ops/cpu/add_layer_norm.h"
#include "ops/cpu/attention.h"
#include "ops/cpu/embed_layer_norm.h"
#include "ops/cpu/matmul.h"
#include "tests/unit/cpu_kernel_isas.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

constexpr float kPoisons[] = {std::numeric_limits<float>::quiet_NaN(),
                              std::numeric_limits<float>::infinity(),
                              -std::numeric_limits<float>::infinity()};

const char* value_class(float v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "+inf" : "-inf";
  return "finite";
}

// Each element's class in got is the reference's. With an infinite poison,
// where the reference gives NaN (an indeterminate form: inf - inf in its
// compensated sums, 0 * inf in GELU's tail, exp(inf - inf) in softmax) the
// kernel may give anything; everywhere else the classes match.
void check_classes(const std::vector<float>& got, const std::vector<float>& want, float poison) {
  REQUIRE(got.size() == want.size());
  size_t mismatches = 0, first = 0, nan = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    nan += std::isnan(want[i]);
    if (std::isnan(want[i]) && !std::isnan(poison)) continue;
    if (std::string(value_class(got[i])) != value_class(want[i]) && mismatches++ == 0) first = i;
  }
  CAPTURE(first);
  CAPTURE(got[first]);
  CAPTURE(want[first]);
  CHECK(mismatches == 0);
  if (std::isnan(poison)) CHECK(nan > 0);  // the NaN reached the output
}

// Poisons element `at` of one of `inputs` in turn with each poison, and runs
// `check` (which compares the kernel with the reference) after each.
template <typename Check>
void for_each_poisoned(std::initializer_list<std::pair<const char*, std::vector<float>*>> inputs,
                       size_t at, Check&& check) {
  for (const auto& entry : inputs) {
    const std::string name = entry.first;
    std::vector<float>* input = entry.second;
    for (float poison : kPoisons) {
      CAPTURE(name);
      CAPTURE(poison);
      const float saved = (*input)[at % input->size()];
      (*input)[at % input->size()] = poison;
      check(poison);
      (*input)[at % input->size()] = saved;
    }
  }
}

TEST_CASE("nonfinite: the JIT MatMul epilogues (bias, every activation, residual)") {
  std::mt19937 rng(fresh_seed());
  const int64_t m = 5, k = 37, n = 35;  // tails in every direction
  std::vector<float> src = random_floats(rng, m * k), weight = random_floats(rng, n * k);
  std::vector<float> bias = random_floats(rng, n, -8.0f, 8.0f),
                     residual = random_floats(rng, m * n);
  for (const CpuIsa isa : {CpuIsa::kAvx2, CpuIsa::kAvx512}) {
    if (!isa_runs_here(isa)) continue;
    for (const Activation act :
         {Activation::kNone, Activation::kGeluErf, Activation::kGeluTanh, Activation::kTanh}) {
      CAPTURE(std::string(cpu_isa_name(isa)));
      CAPTURE(std::string(activation_name(act)));
      auto check = [&](float poison) {
        SerialParallel serial;
        std::vector<float> want(m * n), got(m * n);
        ref::matmul(
            {src.data(), weight.data(), bias.data(), residual.data(), want.data(), m, k, n, act},
            serial);
        const cpu::MatMul matmul(isa, {weight.data(), bias.data(), n, k, act, true});
        matmul.run(src.data(), residual.data(), got.data(), m, serial);
        check_classes(got, want, poison);
      };
      for_each_poisoned({{"src", &src}, {"weight", &weight}, {"bias", &bias}}, 40, check);
      for_each_poisoned({{"residual", &residual}}, 41, check);
    }
  }
}

TEST_CASE("nonfinite: attention (a poisoned query, key or value)") {
  std::mt19937 rng(fresh_seed());
  const int64_t batch = 2, seq = 19, heads = 2, head_dim = 24, width = heads * head_dim;
  std::vector<float> qkv = random_floats(rng, batch * seq * 3 * width);
  std::vector<float> mask_bias(batch * seq, 0.0f);
  mask_bias.back() = std::numeric_limits<float>::lowest();  // a padded key
  const std::initializer_list<IsaKernel<cpu::AttentionKernel>> kernels = {
      {CpuIsa::kAvx2, cpu::attention_avx2},
      {CpuIsa::kAvx512, cpu::attention_avx512},
      {CpuIsa::kAvx512Bf16, cpu::attention_avx512_bf16}};
  for_each_runnable_isa(kernels, [&](cpu::AttentionKernel kernel) {
    // Row 5 of batch 0: its q (offset 3), k (width + 3) and v (2 width + 3).
    for (const int64_t part : {0, 1, 2}) {
      CAPTURE(part);
      for_each_poisoned({{"qkv", &qkv}}, static_cast<size_t>(5 * 3 * width + part * width + 3),
                        [&](float poison) {
                          SerialParallel serial;
                          std::vector<float> want(batch * seq * width), got(want.size());
                          ref::AttentionArgs args{
                              qkv.data(), mask_bias.data(), want.data(), batch, seq,
                              heads,      head_dim,         0.2f};
                          ref::attention(args, serial);
                          args.dst = got.data();
                          kernel(args, serial);
                          check_classes(got, want, poison);
                        });
    }
  });
}

TEST_CASE("nonfinite: AddLayerNorm (a poisoned source, residual, gamma or beta)") {
  std::mt19937 rng(fresh_seed());
  const int64_t rows = 3, hidden = 40;
  std::vector<float> src = random_floats(rng, rows * hidden),
                     residual = random_floats(rng, rows * hidden);
  std::vector<float> gamma = random_floats(rng, hidden), beta = random_floats(rng, hidden);
  const std::initializer_list<IsaKernel<cpu::AddLayerNormKernel>> kernels = {
      {CpuIsa::kAvx2, cpu::add_layer_norm_avx2}, {CpuIsa::kAvx512, cpu::add_layer_norm_avx512}};
  for_each_runnable_isa(kernels, [&](cpu::AddLayerNormKernel kernel) {
    for_each_poisoned({{"src", &src}, {"residual", &residual}, {"gamma", &gamma}, {"beta", &beta}},
                      45, [&](float poison) {
                        SerialParallel serial;
                        std::vector<float> want(rows * hidden), got(want.size());
                        ref::AddLayerNormArgs args{src.data(),  residual.data(), gamma.data(),
                                                   beta.data(), want.data(),     rows,
                                                   hidden,      1e-12f};
                        ref::add_layer_norm(args, serial);
                        args.dst = got.data();
                        kernel(args, serial);
                        check_classes(got, want, poison);
                      });
  });
}

TEST_CASE("nonfinite: EmbedLayerNorm (a poisoned word, position, type, gamma or beta entry)") {
  std::mt19937 rng(fresh_seed());
  const int64_t batch = 2, seq = 5, hidden = 40, vocab = 7;
  std::vector<float> word = random_floats(rng, vocab * hidden),
                     position = random_floats(rng, seq * hidden),
                     token_type = random_floats(rng, 2 * hidden),
                     gamma = random_floats(rng, hidden), beta = random_floats(rng, hidden);
  std::vector<int64_t> ids(batch * seq, 1);                          // every token reads word row 1
  std::vector<int64_t> types(batch * seq, 1), mask(batch * seq, 1);  // type row 1
  const std::initializer_list<IsaKernel<cpu::EmbedLayerNormKernel>> kernels = {
      {CpuIsa::kAvx2, cpu::embed_layer_norm_avx2}, {CpuIsa::kAvx512, cpu::embed_layer_norm_avx512}};
  for_each_runnable_isa(kernels, [&](cpu::EmbedLayerNormKernel kernel) {
    for_each_poisoned({{"word", &word},
                       {"position", &position},
                       {"token_type", &token_type},
                       {"gamma", &gamma},
                       {"beta", &beta}},
                      hidden + 3, [&](float poison) {
                        SerialParallel serial;
                        std::vector<float> want(batch * seq * hidden), got(want.size());
                        std::vector<float> bias(batch * seq);
                        ref::EmbedLayerNormArgs args{
                            ids.data(),   types.data(),    mask.data(),
                            word.data(),  position.data(), token_type.data(),
                            gamma.data(), beta.data(),     batch,
                            seq,          hidden,          1e-12f,
                            want.data(),  bias.data()};
                        ref::embed_layer_norm(args, serial);
                        args.dst = got.data();
                        kernel(args, serial);
                        check_classes(got, want, poison);
                      });
  });
}

}  // namespace
}  // namespace minirt::test
