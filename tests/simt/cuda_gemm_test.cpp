// The CUDA MatMul kernels on the SIMT emulator against ref::matmul, on fresh
// random fp16 data: the tensor-core GEMM and the small-M GEMV, every
// epilogue, M = 1, odd N and K, strided A rows.
#include <doctest/doctest.h>

#include <cmath>

#include "ops/cuda/kernels/gemm.cuh"
#include "ops/cuda/kernels/gemv.cuh"
#include "ops/ref/kernels.h"
#include "tests/simt/kernel_test_util.h"

namespace minirt::test {
namespace {

using cuda::dev::half;

struct Shape {
  int m, k, n;
  int lda_pad = 0;  // A rows are k + lda_pad halves apart
};

enum class Kernel { kTiled, kSmallM };

template <typename Out>
void check_gemm(std::mt19937& rng, Shape shape, Activation act, bool with_bias, bool with_residual,
                Kernel kernel = Kernel::kTiled) {
  CAPTURE(kernel == Kernel::kSmallM);
  CAPTURE(shape.m);
  CAPTURE(shape.k);
  CAPTURE(shape.n);
  CAPTURE(shape.lda_pad);
  CAPTURE(activation_name(act));
  CAPTURE(with_bias);
  CAPTURE(with_residual);
  const bool fp16_out = std::is_same_v<Out, half>;
  CAPTURE(fp16_out);
  const int64_t lda = shape.k + shape.lda_pad;
  const std::vector<float> a = random_halves(rng, shape.m * lda);
  // Weights scaled like a trained layer, so the activations see inputs of
  // order 1, where their curvature shows.
  const float range = 2.0f / std::sqrt(static_cast<float>(shape.k));
  const std::vector<float> w = random_halves(rng, shape.n * shape.k, -range, range);
  const std::vector<float> bias = random_halves(rng, shape.n);
  const std::vector<float> residual = random_halves(rng, shape.m * shape.n);
  const std::vector<Half> a_h = to_halves(a), w_h = to_halves(w), bias_h = to_halves(bias),
                          residual_h = to_halves(residual);

  std::vector<float> packed_a(shape.m * shape.k);
  for (int i = 0; i < shape.m; ++i) {
    for (int p = 0; p < shape.k; ++p) packed_a[i * shape.k + p] = a[i * lda + p];
  }
  std::vector<float> want(shape.m * shape.n);
  ref::MatMulArgs args;
  args.src = packed_a.data();
  args.weight = w.data();
  args.bias = with_bias ? bias.data() : nullptr;
  args.residual = with_residual ? residual.data() : nullptr;
  args.dst = want.data();
  args.m = shape.m;
  args.k = shape.k;
  args.n = shape.n;
  args.activation = act;
  SerialParallel serial;
  ref::matmul(args, serial);

  std::vector<Out> got = poisoned<Out>(shape.m * shape.n);
  cuda::GemmParams<Out> p;
  p.a = a_h.data();
  p.lda = lda;
  p.w = w_h.data();
  p.bias = with_bias ? bias_h.data() : nullptr;
  p.residual = with_residual ? residual_h.data() : nullptr;
  p.dst = got.data();
  p.m = shape.m;
  p.n = shape.n;
  p.k = shape.k;
  p.activation = act;
  for (simt::Schedule schedule : simt::kSchedules) {
    CAPTURE(static_cast<int>(schedule));
    poison(got);
    if (kernel == Kernel::kSmallM) {
      simt::launch({{cuda::gemv_blocks(shape.n), 1, 1}, cuda::GemvTile::kThreads, 0, schedule},
                   cuda::gemv_kernel<Out>, p);
    } else {
      using Tile = cuda::GemmTile;
      simt::launch({{cuda::gemm_blocks_x(shape.n), cuda::gemm_blocks_y(shape.m), 1},
                    Tile::kThreads,
                    Tile::kSharedBytes,
                    schedule},
                   cuda::gemm_kernel<Out>, p);
    }
    check_close(as_floats(got), to_doubles(want), output_tolerance<Out>());
  }
}

TEST_CASE("CUDA gemm matches ref::matmul for every epilogue, fp32 and fp16 outputs") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (Shape shape : {Shape{1, 1, 1}, Shape{1, 7, 13}, Shape{3, 33, 17}, Shape{2, 64, 1},
                      Shape{17, 128, 31}, Shape{64, 64, 64}, Shape{65, 72, 130}}) {
    for (Activation act :
         {Activation::kNone, Activation::kGeluErf, Activation::kGeluTanh, Activation::kTanh}) {
      for (bool with_extras : {false, true}) {
        check_gemm<float>(rng, shape, act, with_extras, with_extras);
        check_gemm<half>(rng, shape, act, !with_extras, with_extras);
      }
    }
  }
}

TEST_CASE("CUDA gemm on BERT-sized and strided operands") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  // M = 1 at hidden 768 (batch 1's pooler); a long odd K; A rows strided
  // (the pooler reads token 0 of each sequence), aligned and not.
  check_gemm<half>(rng, Shape{1, 768, 768}, Activation::kGeluErf, true, true);
  check_gemm<float>(rng, Shape{5, 767, 65}, Activation::kNone, true, false);
  check_gemm<float>(rng, Shape{3, 64, 70, 64 * 7}, Activation::kTanh, true, false);
  check_gemm<half>(rng, Shape{9, 40, 24, 3}, Activation::kNone, false, true);
  check_gemm<half>(rng, Shape{130, 96, 72}, Activation::kGeluTanh, true, true);
}

TEST_CASE("CUDA gemv (M <= 8) matches ref::matmul for every epilogue, vector and scalar paths") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  // K a multiple of 8 takes 16-byte loads; odd K or a misaligned lda the scalar loop.
  for (Shape shape : {Shape{1, 1, 1}, Shape{1, 7, 13}, Shape{2, 64, 5}, Shape{3, 33, 17},
                      Shape{8, 256, 9}, Shape{5, 64, 6, 3}, Shape{2, 64, 7, 64 * 4}}) {
    for (Activation act :
         {Activation::kNone, Activation::kGeluErf, Activation::kGeluTanh, Activation::kTanh}) {
      for (bool with_extras : {false, true}) {
        check_gemm<float>(rng, shape, act, with_extras, with_extras, Kernel::kSmallM);
        check_gemm<half>(rng, shape, act, !with_extras, with_extras, Kernel::kSmallM);
      }
    }
  }
  check_gemm<half>(rng, Shape{1, 768, 768}, Activation::kGeluErf, true, true, Kernel::kSmallM);
  check_gemm<float>(rng, Shape{8, 1024, 40}, Activation::kNone, true, false, Kernel::kSmallM);
}

TEST_CASE("CUDA gemm as the pooler (token 0 rows, tanh, fp32 out) matches ref::pooler") {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (const auto& shape : {std::tuple{1, 1, 32}, std::tuple{3, 5, 48}, std::tuple{2, 9, 200}}) {
    // Named copies, not a structured binding: CAPTURE's lambda cannot take
    // a binding under clang 14.
    const int batch = std::get<0>(shape), seq = std::get<1>(shape), hidden = std::get<2>(shape);
    CAPTURE(batch);
    CAPTURE(seq);
    CAPTURE(hidden);
    const std::vector<float> states = random_halves(rng, batch * seq * hidden);
    const float range = 2.0f / std::sqrt(static_cast<float>(hidden));
    const std::vector<float> weight = random_halves(rng, hidden * hidden, -range, range);
    const std::vector<float> bias = random_halves(rng, hidden);
    const std::vector<Half> states_h = to_halves(states), weight_h = to_halves(weight),
                            bias_h = to_halves(bias);
    std::vector<float> want(batch * hidden);
    ref::PoolerArgs args;
    args.hidden = states.data();
    args.weight = weight.data();
    args.bias = bias.data();
    args.dst = want.data();
    args.batch = batch;
    args.seq = seq;
    args.hidden_size = hidden;
    SerialParallel serial;
    ref::pooler(args, serial);

    std::vector<float> got = poisoned<float>(batch * hidden);
    cuda::GemmParams<float> p;
    p.a = states_h.data();
    p.lda = static_cast<int64_t>(seq) * hidden;  // token 0 of each sequence
    p.w = weight_h.data();
    p.bias = bias_h.data();
    p.dst = got.data();
    p.m = batch;
    p.n = hidden;
    p.k = hidden;
    p.activation = Activation::kTanh;
    using Tile = cuda::GemmTile;
    simt::launch({{cuda::gemm_blocks_x(hidden), cuda::gemm_blocks_y(batch), 1},
                  Tile::kThreads,
                  Tile::kSharedBytes},
                 cuda::gemm_kernel<float>, p);
    check_close(got, to_doubles(want), output_tolerance<float>());
  }
}

}  // namespace
}  // namespace minirt::test
