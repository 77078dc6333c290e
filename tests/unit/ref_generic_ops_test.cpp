// The generic reference kernels other than element-wise, each against a
// plain loop over explicit indices on random data.
#include <doctest/doctest.h>

#include <cmath>

#include "ops/ref/generic_kernels.h"
#include "tests/unit/test_util.h"

namespace minirt {
namespace {

template <size_t N>
ref::Dims dims(const int64_t (&d)[N]) {
  return ref::make_dims(std::span<const int64_t>(d, N));
}

TEST_CASE("batched matmul broadcasts batch dims; gemm transposes and adds c") {
  const uint32_t seed = test::fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  // a [2,1,3,5] x b [4,5,6] -> [2,4,3,6]
  const std::vector<float> a = test::random_floats(rng, 2 * 3 * 5),
                           b = test::random_floats(rng, 4 * 5 * 6);
  std::vector<float> dst(2 * 4 * 3 * 6);
  test::ThreadParallel parallel(3);
  ref::batched_matmul({a.data(), b.data(), dst.data(), dims({2, 1, 3, 5}), dims({4, 5, 6})},
                      parallel);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 4; ++j)
      for (int64_t m = 0; m < 3; ++m)
        for (int64_t n = 0; n < 6; ++n) {
          double sum = 0;
          for (int64_t k = 0; k < 5; ++k)
            sum += double(a[(i * 3 + m) * 5 + k]) * b[(j * 5 + k) * 6 + n];
          CHECK(dst[((i * 4 + j) * 3 + m) * 6 + n] == doctest::Approx(sum).epsilon(1e-6));
        }
  // gemm: a^T with a [5,3], b^T with b [6,5], c [6] -> [3,6]
  const std::vector<float> c = test::random_floats(rng, 6);
  std::vector<float> out(3 * 6);
  ref::GemmArgs g;
  g.a = a.data();
  g.b = b.data();
  g.c = c.data();
  g.c_dims = dims({6});
  g.dst = out.data();
  g.m = 3, g.k = 5, g.n = 6;
  g.alpha = 0.5f, g.beta = 2.0f;
  g.trans_a = g.trans_b = true;
  ref::gemm(g, parallel);
  for (int64_t m = 0; m < 3; ++m)
    for (int64_t n = 0; n < 6; ++n) {
      double sum = 0;
      for (int64_t k = 0; k < 5; ++k) sum += double(a[k * 3 + m]) * b[n * 5 + k];
      CHECK(out[m * 6 + n] == doctest::Approx(0.5 * sum + 2.0 * c[n]).epsilon(1e-6));
    }
}

TEST_CASE("softmax, layer normalization and reduce mean") {
  const uint32_t seed = test::fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::vector<float> x = test::random_floats(rng, 2 * 3 * 4, -3.0f, 3.0f);
  SerialParallel parallel;
  std::vector<float> soft(24), norm(24), mean(2 * 4);
  ref::softmax({x.data(), soft.data(), dims({2, 3, 4}), 1}, parallel);
  const std::vector<float> scale = test::random_floats(rng, 12),
                           bias = test::random_floats(rng, 12);
  ref::layer_normalization({x.data(), scale.data(), bias.data(), norm.data(), 2, 12, 1e-5f},
                           parallel);
  ref::ReduceMeanArgs r{x.data(), mean.data(), dims({2, 3, 4}), {}};
  r.reduced[1] = true;
  ref::reduce_mean(r, parallel);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t k = 0; k < 4; ++k) {
      double sum = 0, total = 0;
      for (int64_t j = 0; j < 3; ++j)
        sum += std::exp(x[(i * 3 + j) * 4 + k]), total += x[(i * 3 + j) * 4 + k];
      for (int64_t j = 0; j < 3; ++j)
        CHECK(soft[(i * 3 + j) * 4 + k] ==
              doctest::Approx(std::exp(x[(i * 3 + j) * 4 + k]) / sum).epsilon(1e-5));
      CHECK(mean[i * 4 + k] == doctest::Approx(total / 3).epsilon(1e-5));
    }
  for (int64_t row = 0; row < 2; ++row) {
    double mu = 0, var = 0;
    for (int64_t j = 0; j < 12; ++j) mu += x[row * 12 + j] / 12.0;
    for (int64_t j = 0; j < 12; ++j) var += (x[row * 12 + j] - mu) * (x[row * 12 + j] - mu) / 12.0;
    for (int64_t j = 0; j < 12; ++j)
      CHECK(norm[row * 12 + j] ==
            doctest::Approx((x[row * 12 + j] - mu) / std::sqrt(var + 1e-5) * scale[j] + bias[j])
                .epsilon(1e-5));
  }
}

TEST_CASE("transpose, slice, concat and range move elements as ONNX says") {
  const uint32_t seed = test::fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::vector<int64_t> x = test::random_ints(rng, 2 * 3 * 4, -100, 100);
  std::vector<int64_t> t(24);
  ref::transpose({x.data(), t.data(), dims({2, 3, 4}), {2, 0, 1}, 8});
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j)
      for (int64_t k = 0; k < 4; ++k) CHECK(t[(k * 2 + i) * 3 + j] == x[(i * 3 + j) * 4 + k]);
  // x[:, 2:0:-1, 1::2] -> [2,2,2]
  std::vector<int64_t> s(8);
  ref::SliceArgs sl{x.data(), s.data(), dims({2, 3, 4}), dims({2, 2, 2}), {0, 2, 1}, {1, -1, 2}, 8};
  ref::slice(sl);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 2; ++j)
      for (int64_t k = 0; k < 2; ++k)
        CHECK(s[(i * 2 + j) * 2 + k] == x[(i * 3 + 2 - j) * 4 + 1 + 2 * k]);
  // An axis keeping one element may have any step: x[1:2:huge, 0, :] (the
  // step times the stride overflowed int64 before: fuzz_model_load).
  std::vector<int64_t> row(4);
  ref::slice({x.data(),
              row.data(),
              dims({2, 3, 4}),
              dims({1, 1, 4}),
              {1, 0, 0},
              {int64_t{1} << 60, int64_t{1} << 62, 1},
              8});
  for (int64_t k = 0; k < 4; ++k) CHECK(row[k] == x[12 + k]);
  // concat x [2,3,4] and t viewed as [2,1,4]... use the first 8 of t: [2,1,4] along axis 1.
  std::vector<int64_t> cat(2 * 4 * 4);
  const void* parts[] = {x.data(), t.data()};
  const int64_t extents[] = {3, 1};
  ref::concat({parts, extents, cat.data(), dims({2, 4, 4}), 1, 8});
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 4; ++j)
      for (int64_t k = 0; k < 4; ++k)
        CHECK(cat[(i * 4 + j) * 4 + k] == (j < 3 ? x[(i * 3 + j) * 4 + k] : t[i * 4 + k]));
  std::vector<float> r(5);
  ref::range(1.5, -0.5, 5, ref::ElemType::kF32, r.data());
  for (int64_t i = 0; i < 5; ++i) CHECK(r[i] == doctest::Approx(1.5 - 0.5 * i));
}

TEST_CASE("gather and gather_nd pick slices and reject an index out of range") {
  const uint32_t seed = test::fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::vector<float> data = test::random_floats(rng, 3 * 4 * 2);
  const std::vector<int64_t> idx = test::random_ints(rng, 5, -4, 3);
  std::vector<float> g(3 * 5 * 2);
  CHECK(ref::gather({data.data(), dims({3, 4, 2}), idx.data(), 5, g.data(), 1, 4}).ok);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t k = 0; k < 5; ++k)
      for (int64_t j = 0; j < 2; ++j) {
        const int64_t at = idx[k] < 0 ? idx[k] + 4 : idx[k];
        CHECK(g[(i * 5 + k) * 2 + j] == data[(i * 4 + at) * 2 + j]);
      }
  const int64_t bad[] = {0, 4};
  const ref::GatherResult result =
      ref::gather({data.data(), dims({3, 4, 2}), bad, 2, g.data(), 1, 4});
  CHECK_FALSE(result.ok);
  CHECK(result.bad_index == 4);
  // gather_nd: indices [2,2] into data [3,4,2] -> [2,2]
  const int64_t nd[] = {2, 1, -1, 3};
  std::vector<float> picked(4);
  CHECK(ref::gather_nd({data.data(), dims({3, 4, 2}), nd, dims({2, 2}), picked.data(), 4}).ok);
  for (int64_t j = 0; j < 2; ++j) {
    CHECK(picked[j] == data[(2 * 4 + 1) * 2 + j]);
    CHECK(picked[2 + j] == data[(2 * 4 + 3) * 2 + j]);
  }
}

}  // namespace
}  // namespace minirt
