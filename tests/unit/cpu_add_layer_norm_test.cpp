#include <cfloat>

#include "ops/cpu/add_layer_norm.h"
#include "tests/unit/cpu_kernel_isas.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

const std::initializer_list<IsaKernel<cpu::AddLayerNormKernel>> kAddLayerNormKernels = {
    {CpuIsa::kAvx2, cpu::add_layer_norm_avx2}, {CpuIsa::kAvx512, cpu::add_layer_norm_avx512}};

struct Shape {
  int64_t rows, hidden;
};

TEST_CASE("cpu add_layer_norm matches ref, in place or not, on every ISA and thread count") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for_each_runnable_isa(kAddLayerNormKernels, [&](cpu::AddLayerNormKernel kernel) {
    // Hidden sizes below, at and past a vector, with odd tails; 384 and 768 as in BERT.
    for (Shape shape : {Shape{1, 1}, Shape{3, 7}, Shape{2, 17}, Shape{17, 64}, Shape{5, 385},
                        Shape{9, 384}, Shape{200, 768}}) {
      // An offset far above the spread breaks a one-pass E[x^2] - E[x]^2 variance.
      for (float offset : {0.0f, 1000.0f}) {
        for (bool in_place : {false, true}) {
          CAPTURE(shape.rows);
          CAPTURE(shape.hidden);
          CAPTURE(offset);
          CAPTURE(in_place);
          const int64_t count = shape.rows * shape.hidden;
          std::vector<float> src = random_floats(rng, count, offset - 1.0f, offset + 1.0f);
          const std::vector<float> residual = random_floats(rng, count);
          const std::vector<float> gamma = random_floats(rng, shape.hidden, 0.5f, 1.5f);
          const std::vector<float> beta = random_floats(rng, shape.hidden);
          std::vector<float> want(count), separate_dst(count);
          ref::AddLayerNormArgs args;
          args.src = src.data();
          args.residual = residual.data();
          args.gamma = gamma.data();
          args.beta = beta.data();
          args.rows = shape.rows;
          args.hidden = shape.hidden;
          args.dst = want.data();
          SerialParallel serial;
          ref::add_layer_norm(args, serial);
          args.dst = in_place ? src.data() : separate_dst.data();
          kernel(args, serial);
          // The kernel rounds x = src + residual to float (ref keeps it in
          // double): an error of up to an ulp of |x| over the row's spread.
          check_close(std::span(args.dst, count), std::vector<double>(want.begin(), want.end()),
                      8 * FLT_EPSILON * (1.0 + offset));
          if (!in_place) {
            check_threads_match_serial({separate_dst}, [&](Parallel& p) { kernel(args, p); });
          }
        }
      }
    }
  });
}

TEST_CASE("cpu add_layer_norm falls back to ref on a scalar machine") {
  CHECK((cpu::add_layer_norm_kernel_for(CpuIsa::kScalar) == ref::add_layer_norm));
  CHECK((cpu::add_layer_norm_kernel_for(CpuIsa::kAvx2) == cpu::add_layer_norm_avx2));
  CHECK((cpu::add_layer_norm_kernel_for(CpuIsa::kAvx512Vnni) == cpu::add_layer_norm_avx512));
}

}  // namespace
}  // namespace minirt::test
