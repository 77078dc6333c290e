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

TEST_CASE("cpu attention falls back to ref past the widest head and on a scalar machine") {
  CHECK((cpu::attention_kernel_for(CpuIsa::kAvx512, cpu::kAttentionMaxHeadDim + 1) ==
         ref::attention));
  CHECK((cpu::attention_kernel_for(CpuIsa::kScalar, 64) == ref::attention));
  CHECK((cpu::attention_kernel_for(CpuIsa::kAvx2, 64) == cpu::attention_avx2));
  CHECK((cpu::attention_kernel_for(CpuIsa::kAmx, 64) == cpu::attention_avx512));
}

}  // namespace
}  // namespace minirt::test
