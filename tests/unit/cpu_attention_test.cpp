#include <cmath>

#include "ops/cpu/attention.h"
#include "tests/unit/attention_test_cases.h"
#include "tests/unit/cpu_kernel_isas.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

const std::initializer_list<IsaKernel<cpu::AttentionKernel>> kAttentionKernels = {
    {CpuIsa::kAvx2, cpu::attention_avx2}, {CpuIsa::kAvx512, cpu::attention_avx512}};

TEST_CASE("cpu attention matches ref::attention under padding, on every ISA and thread count") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for_each_runnable_isa(kAttentionKernels, [&](cpu::AttentionKernel kernel) {
    // Seq 1 to 512 across the 128-row query blocks and the key tiles (16 or 32
    // keys); head_dim 64 and 32 as in BERT, and tails of a vector (13, 24, 40).
    for_each_attention_case(
        rng,
        {{1, 1, 1, 64},
         {2, 2, 3, 32},
         {3, 7, 2, 13},
         {1, 16, 12, 64},
         {2, 64, 4, 40},
         {1, 127, 2, 64},
         {2, 128, 3, 32},
         {1, 129, 2, 24},
         {1, 384, 2, 64},
         {1, 512, 2, 64},
         {1, 33, 1, 256}},
        [&](ref::AttentionArgs args, MaskKind kind) {
          const int64_t count = args.batch * args.seq * args.num_heads * args.head_dim;
          std::vector<float> dst(count), want(count);
          SerialParallel serial;
          args.dst = want.data();
          ref::attention(args, serial);
          args.dst = dst.data();
          kernel(args, serial);
          check_close(dst, std::vector<double>(want.begin(), want.end()), 2e-6);
          if (kind == MaskKind::kPadded && args.seq <= 128) {
            check_threads_match_serial({dst}, [&](Parallel& p) { kernel(args, p); });
          }
        });
  });
}

TEST_CASE("cpu attention with bf16 products keeps within the bf16 budget of ref, under padding") {
  if (!isa_runs_here(CpuIsa::kAvx512Bf16)) return;
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  double worst = 0.0;
  // Seq 1, odd, every last group of 1 to 8 rows, the 32-key tile and
  // 128-row block edges, 512; head_dim 16, 32, 64 (BERT, MiniLM,
  // trained-l3-h256), odd and vector tails, the widest.
  for_each_attention_case(
      rng,
      {{1, 1, 1, 64},
       {2, 2, 3, 32},
       {1, 3, 2, 64},
       {1, 13, 2, 64},
       {1, 62, 1, 32},
       {2, 100, 2, 16},
       {3, 7, 2, 13},
       {1, 16, 12, 64},
       {2, 31, 4, 16},
       {2, 64, 4, 40},
       {1, 127, 2, 64},
       {2, 128, 3, 32},
       {1, 129, 2, 24},
       {1, 385, 2, 48},
       {1, 512, 2, 64},
       {1, 33, 1, 256}},
      [&](ref::AttentionArgs args, MaskKind kind) {
        std::vector<float> dst(args.batch * args.seq * args.num_heads * args.head_dim);
        args.dst = dst.data();
        worst = std::max(
            worst, check_bf16_products(args, args.batch * args.seq, cpu::attention_avx512_bf16));
        if (kind == MaskKind::kPadded && args.seq <= 128) {
          check_threads_match_serial({dst},
                                     [&](Parallel& p) { cpu::attention_avx512_bf16(args, p); });
        }
      });
  MESSAGE("largest error over its bf16 budget: " << worst);
}

TEST_CASE("cpu attention falls back to ref past the widest head and on a scalar machine") {
  using cpu::AttentionProducts;
  for (AttentionProducts products : {AttentionProducts::kFloat32, AttentionProducts::kBFloat16}) {
    CHECK((cpu::attention_kernel_for(CpuIsa::kAvx512Bf16, cpu::kAttentionMaxHeadDim + 1,
                                     products) == ref::attention));
    CHECK((cpu::attention_kernel_for(CpuIsa::kScalar, 64, products) == ref::attention));
    CHECK((cpu::attention_kernel_for(CpuIsa::kAvx2, 64, products) == cpu::attention_avx2));
    CHECK((cpu::attention_kernel_for(CpuIsa::kAvx512Vnni, 64, products) == cpu::attention_avx512));
  }
  CHECK((cpu::attention_kernel_for(CpuIsa::kAmx, 64, AttentionProducts::kFloat32) ==
         cpu::attention_avx512));
  CHECK((cpu::attention_kernel_for(CpuIsa::kAvx512Bf16, 64, AttentionProducts::kBFloat16) ==
         cpu::attention_avx512_bf16));
  CHECK((cpu::attention_products_for(CpuIsa::kAvx512Vnni, 64, AttentionProducts::kBFloat16) ==
         AttentionProducts::kFloat32));
  CHECK((cpu::attention_products_for(CpuIsa::kAmx, 64, AttentionProducts::kBFloat16) ==
         AttentionProducts::kBFloat16));
  CHECK((cpu::attention_products_for(CpuIsa::kAmx, 257, AttentionProducts::kBFloat16) ==
         AttentionProducts::kFloat32));
}

}  // namespace
}  // namespace minirt::test
