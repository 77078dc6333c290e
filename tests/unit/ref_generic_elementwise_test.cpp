// ref::elementwise against a plain loop over explicit indices, with numpy
// broadcasting, on random data: arithmetic, comparisons, unary math, Where,
// Cast and the same-type Cast that Expand runs.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "ops/ref/generic_kernels.h"
#include "tests/unit/test_util.h"

namespace minirt {
namespace {

using ref::ElementwiseFn;
using ref::ElemType;

// a [2,1,4] op b [3,1] -> [2,3,4]: both sides broadcast.
constexpr int64_t kD0 = 2, kD1 = 3, kD2 = 4;

ref::ElementwiseArgs binary_args(ElementwiseFn fn, const void* a, const void* b, ElemType in,
                                 void* dst, ElemType out) {
  ref::ElementwiseArgs args;
  args.fn = fn;
  args.src[0] = {a, ref::make_dims(std::array<int64_t, 3>{kD0, 1, kD2}), in};
  args.src[1] = {b, ref::make_dims(std::array<int64_t, 2>{kD1, 1}), in};
  args.dst = dst;
  args.dst_dims = ref::make_dims(std::array<int64_t, 3>{kD0, kD1, kD2});
  args.dst_type = out;
  return args;
}

// A Cast of f32 src (src_dims, broadcast to dst_dims) to `to`.
ref::ElementwiseArgs cast_args(const float* src, const ref::Dims& src_dims, void* dst,
                               const ref::Dims& dst_dims, ElemType to) {
  ref::ElementwiseArgs args;
  args.fn = ElementwiseFn::kCast;
  args.src[0] = {src, src_dims, ElemType::kF32};
  args.dst = dst;
  args.dst_dims = dst_dims;
  args.dst_type = to;
  return args;
}

TEST_CASE("binary f32 and i64 element-wise ops broadcast like numpy") {
  const uint32_t seed = test::fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::vector<float> a = test::random_floats(rng, kD0 * kD2, 0.5f, 2.0f);
  const std::vector<float> b = test::random_floats(rng, kD1, 0.5f, 2.0f);
  const std::vector<int64_t> ia = test::random_ints(rng, kD0 * kD2, -9, 9);
  const std::vector<int64_t> ib = test::random_ints(rng, kD1, 1, 9);
  test::ThreadParallel parallel(3);
  for (ElementwiseFn fn :
       {ElementwiseFn::kAdd, ElementwiseFn::kSub, ElementwiseFn::kMul, ElementwiseFn::kDiv,
        ElementwiseFn::kPow, ElementwiseFn::kMax, ElementwiseFn::kMin}) {
    CAPTURE(static_cast<int>(fn));
    std::vector<float> dst(kD0 * kD1 * kD2);
    std::vector<int64_t> idst(dst.size());
    ref::elementwise(
        binary_args(fn, a.data(), b.data(), ElemType::kF32, dst.data(), ElemType::kF32), parallel);
    ref::elementwise(
        binary_args(fn, ia.data(), ib.data(), ElemType::kI64, idst.data(), ElemType::kI64),
        parallel);
    for (int64_t i = 0; i < kD0; ++i)
      for (int64_t j = 0; j < kD1; ++j)
        for (int64_t k = 0; k < kD2; ++k) {
          const float x = a[i * kD2 + k], y = b[j];
          const int64_t ix = ia[i * kD2 + k], iy = ib[j];
          const size_t e = (i * kD1 + j) * kD2 + k;
          const float want = fn == ElementwiseFn::kAdd   ? x + y
                             : fn == ElementwiseFn::kSub ? x - y
                             : fn == ElementwiseFn::kMul ? x * y
                             : fn == ElementwiseFn::kDiv ? x / y
                             : fn == ElementwiseFn::kPow ? std::pow(x, y)
                             : fn == ElementwiseFn::kMax ? std::max(x, y)
                                                         : std::min(x, y);
          const int64_t iwant = fn == ElementwiseFn::kAdd   ? ix + iy
                                : fn == ElementwiseFn::kSub ? ix - iy
                                : fn == ElementwiseFn::kMul ? ix * iy
                                : fn == ElementwiseFn::kDiv ? ix / iy
                                : fn == ElementwiseFn::kPow ? static_cast<int64_t>(std::pow(ix, iy))
                                : fn == ElementwiseFn::kMax ? std::max(ix, iy)
                                                            : std::min(ix, iy);
          CHECK(dst[e] == doctest::Approx(want).epsilon(1e-6));
          CHECK(idst[e] == iwant);
        }
  }
}

TEST_CASE("comparisons give u8 and logic ops read u8") {
  const uint32_t seed = test::fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::vector<int64_t> a = test::random_ints(rng, kD0 * kD2, 0, 3);
  const std::vector<int64_t> b = test::random_ints(rng, kD1, 0, 3);
  SerialParallel parallel;
  std::vector<uint8_t> less(kD0 * kD1 * kD2), equal(less.size()), both(less.size());
  ref::elementwise(binary_args(ElementwiseFn::kLess, a.data(), b.data(), ElemType::kI64,
                               less.data(), ElemType::kU8),
                   parallel);
  ref::elementwise(binary_args(ElementwiseFn::kEqual, a.data(), b.data(), ElemType::kI64,
                               equal.data(), ElemType::kU8),
                   parallel);
  ref::ElementwiseArgs args;
  args.fn = ElementwiseFn::kOr;
  args.src[0] = {less.data(), ref::make_dims(std::array<int64_t, 3>{kD0, kD1, kD2}), ElemType::kU8};
  args.src[1] = {equal.data(), args.src[0].dims, ElemType::kU8};
  args.dst = both.data();
  args.dst_dims = args.src[0].dims;
  args.dst_type = ElemType::kU8;
  ref::elementwise(args, parallel);
  for (int64_t i = 0; i < kD0; ++i)
    for (int64_t j = 0; j < kD1; ++j)
      for (int64_t k = 0; k < kD2; ++k) {
        const size_t e = (i * kD1 + j) * kD2 + k;
        CHECK(less[e] == (a[i * kD2 + k] < b[j]));
        CHECK(equal[e] == (a[i * kD2 + k] == b[j]));
        CHECK(both[e] == (a[i * kD2 + k] <= b[j]));
      }
}

TEST_CASE("unary f32 ops, Where, Cast and Expand") {
  const uint32_t seed = test::fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::vector<float> x = test::random_floats(rng, 12, 0.1f, 3.0f);
  const ref::Dims dims = ref::make_dims(std::array<int64_t, 2>{3, 4});
  SerialParallel parallel;
  for (auto [fn, want] : std::initializer_list<std::pair<ElementwiseFn, float (*)(float)>>{
           {ElementwiseFn::kSqrt, [](float v) { return std::sqrt(v); }},
           {ElementwiseFn::kErf, [](float v) { return std::erf(v); }},
           {ElementwiseFn::kTanh, [](float v) { return std::tanh(v); }},
           {ElementwiseFn::kExp, [](float v) { return std::exp(v); }},
           {ElementwiseFn::kNeg, [](float v) { return -v; }}}) {
    std::vector<float> dst(12);
    ref::ElementwiseArgs args;
    args.fn = fn;
    args.src[0] = {x.data(), dims, ElemType::kF32};
    args.dst = dst.data();
    args.dst_dims = dims;
    ref::elementwise(args, parallel);
    for (size_t i = 0; i < 12; ++i) CHECK(dst[i] == doctest::Approx(want(x[i])).epsilon(1e-6));
  }
  // Where(cond [3,1], x [3,4], y [4]) and Cast f32 -> i64 and -> u8.
  const std::vector<uint8_t> cond = {1, 0, 1};
  const std::vector<float> y = test::random_floats(rng, 4);
  std::vector<float> picked(12);
  ref::ElementwiseArgs where;
  where.fn = ElementwiseFn::kWhere;
  where.src[0] = {cond.data(), ref::make_dims(std::array<int64_t, 2>{3, 1}), ElemType::kU8};
  where.src[1] = {x.data(), dims, ElemType::kF32};
  where.src[2] = {y.data(), ref::make_dims(std::array<int64_t, 1>{4}), ElemType::kF32};
  where.dst = picked.data();
  where.dst_dims = dims;
  ref::elementwise(where, parallel);
  std::vector<int64_t> truncated(12);
  ref::elementwise(cast_args(x.data(), dims, truncated.data(), dims, ElemType::kI64), parallel);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j) {
      CHECK(picked[i * 4 + j] == (cond[i] ? x[i * 4 + j] : y[j]));
      CHECK(truncated[i * 4 + j] == static_cast<int64_t>(x[i * 4 + j]));
    }
  // Expand: y [4] -> [2,3,4] by a same-type Cast.
  std::vector<float> expanded(24);
  ref::elementwise(cast_args(y.data(), ref::make_dims(std::array<int64_t, 1>{4}), expanded.data(),
                             ref::make_dims(std::array<int64_t, 3>{2, 3, 4}), ElemType::kF32),
                   parallel);
  for (size_t e = 0; e < 24; ++e) CHECK(expanded[e] == y[e % 4]);
}

// A NaN or out-of-range float cast to an integer was undefined behaviour
// (a plain static_cast); values come from model files, so each saturates.
TEST_CASE("Cast and integer Pow saturate: NaN is 0, out-of-range values clamp") {
  SerialParallel parallel;
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> x{std::nanf(""), inf, -inf, 1e30f, -1e30f, 9.3e18f, -2.5f, 3.7f};
  const ref::Dims dims = ref::make_dims(std::array<int64_t, 1>{8});
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max(),
                    kMin = std::numeric_limits<int64_t>::min();
  std::vector<int64_t> wide(8);
  ref::elementwise(cast_args(x.data(), dims, wide.data(), dims, ElemType::kI64), parallel);
  CHECK(wide == std::vector<int64_t>{0, kMax, kMin, kMax, kMin, kMax, -2, 3});
  std::vector<int32_t> narrow(8);
  ref::elementwise(cast_args(x.data(), dims, narrow.data(), dims, ElemType::kI32), parallel);
  constexpr int32_t kMax32 = std::numeric_limits<int32_t>::max(),
                    kMin32 = std::numeric_limits<int32_t>::min();
  CHECK(narrow == std::vector<int32_t>{0, kMax32, kMin32, kMax32, kMin32, kMax32, -2, 3});

  // 10^30 does not fit int64.
  const std::vector<int64_t> base{10}, exponent{30};
  std::vector<int64_t> power(1);
  ref::ElementwiseArgs pow;
  pow.fn = ElementwiseFn::kPow;
  pow.src[0] = {base.data(), ref::make_dims(std::array<int64_t, 1>{1}), ElemType::kI64};
  pow.src[1] = pow.src[0];
  pow.src[1].data = exponent.data();
  pow.dst = power.data();
  pow.dst_dims = pow.src[0].dims;
  pow.dst_type = ElemType::kI64;
  ref::elementwise(pow, parallel);
  CHECK(power[0] == kMax);

  // Range from the highest int64, which is 2^63 as a double (out of range).
  std::vector<int64_t> range(2);
  ref::range(static_cast<double>(kMax), -1.0, 2, ElemType::kI64, range.data());
  CHECK(range[0] == kMax);
}

}  // namespace
}  // namespace minirt
