#include <cfloat>

#include "ops/cpu/embed_layer_norm.h"
#include "tests/unit/cpu_kernel_isas.h"
#include "tests/unit/embed_layer_norm_test_cases.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

const std::initializer_list<IsaKernel<cpu::EmbedLayerNormKernel>> kEmbedLayerNormKernels = {
    {CpuIsa::kAvx2, cpu::embed_layer_norm_avx2}, {CpuIsa::kAvx512, cpu::embed_layer_norm_avx512}};

TEST_CASE("cpu embed_layer_norm matches ref, mask bias included, on every ISA and thread count") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for_each_runnable_isa(kEmbedLayerNormKernels, [&](cpu::EmbedLayerNormKernel kernel) {
    for (EmbedShape shape :
         {EmbedShape{1, 1, 1}, EmbedShape{2, 7, 33}, EmbedShape{3, 129, 64}, EmbedShape{2, 16, 385},
          EmbedShape{1, 512, 128}, EmbedShape{1, 128, 768}}) {
      const EmbedCase embed(rng, shape);
      const int64_t tokens = shape.batch * shape.seq;
      for (bool with_types : {false, true}) {
        for (bool with_mask : {false, true}) {
          CAPTURE(shape.batch);
          CAPTURE(shape.seq);
          CAPTURE(shape.hidden);
          CAPTURE(with_types);
          CAPTURE(with_mask);
          std::vector<float> dst(tokens * shape.hidden), mask_bias(tokens);
          std::vector<float> want(tokens * shape.hidden), want_bias(tokens);
          ref::EmbedLayerNormArgs args = embed.args(with_types, with_mask);
          args.dst = want.data();
          args.mask_bias = want_bias.data();
          SerialParallel serial;
          ref::embed_layer_norm(args, serial);
          args.dst = dst.data();
          args.mask_bias = mask_bias.data();
          kernel(args, serial);
          check_close(dst, std::vector<double>(want.begin(), want.end()), 8 * FLT_EPSILON);
          CHECK(mask_bias == want_bias);
          check_threads_match_serial({dst, mask_bias}, [&](Parallel& p) { kernel(args, p); });
        }
      }
    }
  });
}

TEST_CASE("cpu embed_layer_norm falls back to ref on a scalar machine") {
  CHECK((cpu::embed_layer_norm_kernel_for(CpuIsa::kScalar) == ref::embed_layer_norm));
  CHECK((cpu::embed_layer_norm_kernel_for(CpuIsa::kAvx2) == cpu::embed_layer_norm_avx2));
  CHECK((cpu::embed_layer_norm_kernel_for(CpuIsa::kAvx512) == cpu::embed_layer_norm_avx512));
}

}  // namespace
}  // namespace minirt::test
