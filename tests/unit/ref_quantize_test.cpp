// The quantization reference kernels (QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear, MatMulInteger) against hand-computed values: ties
// rounded to even, saturation, per-axis scales, zero points on both sides.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ops/ref/generic_kernels.h"
#include "tests/unit/test_util.h"

namespace minirt {
namespace {

template <size_t N>
ref::Dims dims(const int64_t (&d)[N]) {
  return ref::make_dims(std::span<const int64_t>(d, N));
}

TEST_CASE("quantize linear: ties to even, saturation, zero points, NaN") {
  // u8, scale 2, zero point 128: x / 2 = 0, .5, 1.5, 2.5, -.5, -1.5, 150, -150, 127.45.
  const std::vector<float> x = {0, 1, 3, 5, -1, -3, 300, -300, 254.9f, NAN};
  const float scale = 2;
  const uint8_t zero_point = 128;
  std::vector<uint8_t> u8(x.size());
  ref::quantize_linear({x.data(), u8.data(), ref::ElemType::kU8, &scale, &zero_point,
                        dims({static_cast<int64_t>(x.size())}), 0, 1});
  CHECK(u8 == std::vector<uint8_t>{128, 128, 130, 130, 128, 126, 255, 0, 255, 128});

  // i8, no zero point, scale 0.5: x / 0.5 = 2.5, -2.5, 127.5, 128, -128.5, -140, 1.5.
  const std::vector<float> y = {1.25f, -1.25f, 63.75f, 64, -64.25f, -70, 0.75f};
  const float half = 0.5f;
  std::vector<int8_t> i8(y.size());
  ref::quantize_linear({y.data(), i8.data(), ref::ElemType::kI8, &half, nullptr,
                        dims({static_cast<int64_t>(y.size())}), 0, 1});
  CHECK(i8 == std::vector<int8_t>{2, -2, 127, 127, -128, -128, 2});

  // i8 with a negative zero point: round(x) - 5, saturated below at -128.
  const std::vector<float> z = {0, -122.5f, -123.5f, -200, 132};
  const float one = 1;
  const int8_t minus_five = -5;
  std::vector<int8_t> shifted(z.size());
  ref::quantize_linear({z.data(), shifted.data(), ref::ElemType::kI8, &one, &minus_five,
                        dims({static_cast<int64_t>(z.size())}), 0, 1});
  CHECK(shifted == std::vector<int8_t>{-5, -127, -128, -128, 127});
}

TEST_CASE("quantize linear per axis: one scale and zero point per index along the axis") {
  // [2,3] along axis 1: scales 1, 2, 4; zero points 0, 10, 20.
  const std::vector<float> x = {1, 2, 4, -1, 5, 10};
  const std::array<float, 3> scales = {1, 2, 4};
  const std::array<uint8_t, 3> zero_points = {0, 10, 20};
  std::vector<uint8_t> q(6);
  ref::quantize_linear({x.data(), q.data(), ref::ElemType::kU8, scales.data(), zero_points.data(),
                        dims({2, 3}), 1, 3});
  // 1, 1+10, 1+20; -1 saturates at 0, 2.5 -> 2 (+10), 2.5 -> 2 (+20).
  CHECK(q == std::vector<uint8_t>{1, 11, 21, 0, 12, 22});
  // The same along axis 0 of [3,2]: a channel is a row.
  const std::vector<float> rows = {1, 2, 4, 5, 8, 10};
  ref::quantize_linear({rows.data(), q.data(), ref::ElemType::kU8, scales.data(),
                        zero_points.data(), dims({3, 2}), 0, 3});
  CHECK(q == std::vector<uint8_t>{1, 2, 12, 12, 22, 22});
}

TEST_CASE("dequantize linear: per tensor and per axis, int8, uint8 and int32") {
  // u8 below its zero point gives negative values.
  const std::vector<uint8_t> u8 = {200, 0, 255};
  const float quarter = 0.25f;
  const uint8_t zp200 = 200;
  std::vector<float> out(3);
  ref::dequantize_linear(
      {u8.data(), ref::ElemType::kU8, out.data(), &quarter, &zp200, dims({3}), 0, 1});
  CHECK(out == std::vector<float>{0, -50, 13.75f});
  // i8 per axis 0 of [2,2]: scales 0.5, 3; zero points -1, 2.
  const std::vector<int8_t> i8 = {-1, 3, 2, -128};
  const std::array<float, 2> scales = {0.5f, 3};
  const std::array<int8_t, 2> zero_points = {-1, 2};
  std::vector<float> per_axis(4);
  ref::dequantize_linear({i8.data(), ref::ElemType::kI8, per_axis.data(), scales.data(),
                          zero_points.data(), dims({2, 2}), 0, 2});
  CHECK(per_axis == std::vector<float>{0, 2, 0, -390});
  // i32, no zero point.
  const std::vector<int32_t> i32 = {-7, 1 << 20};
  const float half = 0.5f;
  std::vector<float> wide(2);
  ref::dequantize_linear(
      {i32.data(), ref::ElemType::kI32, wide.data(), &half, nullptr, dims({2}), 0, 1});
  CHECK(wide == std::vector<float>{-3.5f, 524288});
}

TEST_CASE("dynamic quantize linear: the range widened to 0, mapped onto [0, 255]") {
  // ONNX's documented cases.
  struct Case {
    std::vector<float> x;
    float scale;
    uint8_t zero_point;
    std::vector<uint8_t> y;
  };
  const std::vector<Case> cases = {
      {{0, 2, -3, -2.5f, 1.34f, 0.5f}, 5.0f / 255, 153, {153, 255, 0, 26, 221, 179}},
      {{-1, -2.1f, -1.3f, -2.5f, -3.34f, -4}, 4.0f / 255, 255, {191, 121, 172, 96, 42, 0}},
      {{1, 2.1f, 1.3f, 2.5f, 3.34f, 4, 1.5f, 2.6f, 3.9f, 4, 3, 2.345f},
       4.0f / 255,
       0,
       {64, 134, 83, 159, 213, 255, 96, 166, 249, 255, 191, 149}},
      {{0, 0}, 1.0f / 255, 0, {0, 0}},  // an all-zero range keeps scale 1 / 255
  };
  for (const Case& c : cases) {
    std::vector<uint8_t> y(c.x.size());
    float scale = 0;
    uint8_t zero_point = 1;
    ref::dynamic_quantize_linear(
        {c.x.data(), static_cast<int64_t>(c.x.size()), y.data(), &scale, &zero_point});
    CHECK(scale == c.scale);
    CHECK(zero_point == c.zero_point);
    CHECK(y == c.y);
  }
}

TEST_CASE("matmul integer: zero points per tensor, per row and per column, i32 sums") {
  // a u8 [2,3] with per-row zero points 1, 200; b i8 [3,2] with per-column -1, 2.
  const std::vector<uint8_t> a = {1, 2, 3, 200, 0, 255};
  const std::vector<int8_t> b = {-1, 2, 0, 3, 127, -128};
  const std::array<uint8_t, 2> a_zero = {1, 200};
  const std::array<int8_t, 2> b_zero = {-1, 2};
  std::vector<int32_t> dst(4);
  ref::MatMulIntegerArgs args;
  args.a = a.data();
  args.b = b.data();
  args.a_type = ref::ElemType::kU8;
  args.b_type = ref::ElemType::kI8;
  args.a_dims = dims({2, 3});
  args.b_dims = dims({3, 2});
  args.a_zero_point = a_zero.data();
  args.b_zero_point = b_zero.data();
  args.a_zero_point_count = 2;
  args.b_zero_point_count = 2;
  args.dst = dst.data();
  SerialParallel serial;
  ref::matmul_integer(args, serial);
  // a - a_zero = [[0,1,2],[0,-200,55]]; b - b_zero = [[0,0],[1,1],[128,-130]].
  CHECK(dst == std::vector<int32_t>{257, -259, 6840, -7350});

  // Per-tensor zero points, 1-D a against batched b [2,3,1]: [3] x [2,3,1] -> [2,1].
  const std::vector<int8_t> v = {-128, 0, 127};
  const std::vector<uint8_t> m = {0, 1, 2, 255, 255, 255};
  const int8_t v_zero = -128;
  const uint8_t m_zero = 255;
  std::vector<int32_t> batched(2);
  ref::MatMulIntegerArgs b2;
  b2.a = v.data();
  b2.b = m.data();
  b2.a_type = ref::ElemType::kI8;
  b2.b_type = ref::ElemType::kU8;
  b2.a_dims = dims({3});
  b2.b_dims = dims({2, 3, 1});
  b2.a_zero_point = &v_zero;
  b2.b_zero_point = &m_zero;
  b2.dst = batched.data();
  ref::matmul_integer(b2, serial);
  // v - (-128) = [0, 128, 255]; m - 255 = [[-255,-254,-253],[0,0,0]].
  CHECK(batched == std::vector<int32_t>{128 * -254 + 255 * -253, 0});
}

TEST_CASE("matmul integer: no zero points, threads split rows") {
  const uint32_t seed = test::fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::vector<int64_t> a64 = test::random_ints(rng, 4 * 5 * 7, -128, 127);
  const std::vector<int64_t> b64 = test::random_ints(rng, 7 * 3, 0, 255);
  const std::vector<int8_t> a(a64.begin(), a64.end());
  const std::vector<uint8_t> b(b64.begin(), b64.end());
  std::vector<int32_t> dst(4 * 5 * 3);
  ref::MatMulIntegerArgs args;
  args.a = a.data();
  args.b = b.data();
  args.a_type = ref::ElemType::kI8;
  args.b_type = ref::ElemType::kU8;
  args.a_dims = dims({4, 5, 7});
  args.b_dims = dims({7, 3});
  args.dst = dst.data();
  test::ThreadParallel parallel(3);
  ref::matmul_integer(args, parallel);
  for (int64_t r = 0; r < 20; ++r)
    for (int64_t j = 0; j < 3; ++j) {
      int32_t sum = 0;
      for (int64_t p = 0; p < 7; ++p) sum += int32_t{a[r * 7 + p]} * int32_t{b[p * 3 + j]};
      CHECK(dst[r * 3 + j] == sum);
    }
}

}  // namespace
}  // namespace minirt
