// Calibration's statistics and its three range methods (converter/calibrate)
// on synthetic distributions whose right answer is known.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "converter/calibrate/scale_choice.h"
#include "minirt/minirt.h"

namespace minirt::converter {
namespace {

constexpr int64_t kRow = 64;

// rows x kRow values from draw(), both passes filled.
template <typename Draw>
ActivationStats stats_of(int64_t rows, Draw draw, int64_t sample_rows = 256) {
  std::vector<std::vector<float>> data(static_cast<size_t>(rows), std::vector<float>(kRow));
  for (auto& row : data)
    for (float& x : row) x = draw();
  ActivationStats stats("t", kRow, sample_rows, 7);
  for (const auto& row : data) stats.add_row(row);
  stats.start_histogram(2048);
  for (const auto& row : data) stats.add_row_to_histogram(row);
  return stats;
}

TEST_CASE("ActivationStats: range, histogram total, a bounded random sample of whole rows") {
  int64_t next = 0;
  const ActivationStats stats = stats_of(
      1000, [&] { return static_cast<float>(next++ % 97) - 40; }, 100);
  CHECK(stats.rows() == 1000);
  CHECK(stats.min() == -40);
  CHECK(stats.max() == 56);
  CHECK(stats.histogram().lo == -40);
  CHECK(stats.histogram().hi == 56);
  CHECK(stats.histogram().total() == 1000 * kRow);
  REQUIRE(stats.samples().size() == 100 * kRow);
  // Each kept row is a whole row: consecutive values step by 1 (mod 97).
  for (size_t r = 0; r < 100; ++r) {
    const float* row = stats.samples().data() + r * kRow;
    for (int64_t i = 1; i < kRow; ++i) CHECK(std::fmod(row[i] - row[i - 1] + 97, 97.0f) == 1);
  }
  // Rows from late in the stream get kept too (not just the first 100).
  bool late = false;
  for (size_t r = 0; r < 100; ++r)
    late |= stats.samples()[r * kRow] != static_cast<float>((r * kRow) % 97) - 40;
  CHECK(late);
}

TEST_CASE("ActivationStats: an all-positive input's histogram starts at 0; NaN is named") {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(1, 2);
  const ActivationStats stats = stats_of(10, [&] { return u(rng); });
  CHECK(stats.histogram().lo == 0);
  ActivationStats bad("layer.0.ffn_out input 'gelu'", 2, 4, 1);
  const float row[] = {1, NAN};
  CHECK_THROWS_WITH_AS(bad.add_row(row), doctest::Contains("'layer.0.ffn_out input 'gelu'' holds"),
                       Error);
}

TEST_CASE("a uniform input: nothing worth clipping, auto keeps max") {
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> u(-1, 1);
  const ActivationStats stats = stats_of(2000, [&] { return u(rng); });
  const Histogram& h = stats.histogram();
  const ActivationRange max = max_range(h), mse = mse_range(h), pct = percentile_range(h, 99.99);
  const double step = 2.0 / 255;
  CHECK(max.lo == stats.min());
  CHECK(max.hi == stats.max());
  // MSE trades at most about half a step of clipping for finer steps.
  CHECK(mse.hi > max.hi - step);
  CHECK(mse.lo < max.lo + step);
  CHECK(pct.hi > max.hi - step);
  CHECK(pct.lo < max.lo + step);
  const ScaleChoice choice = choose_scale(stats, {}, {});
  CHECK(choice.method == CalibrationMethod::kMax);
  CHECK(choice.range.hi == max.hi);
}

TEST_CASE("one heavy outlier: percentile clips it, mse where clipping pays, auto not max") {
  std::mt19937 rng(3);
  std::normal_distribution<float> n(0, 1);
  int64_t count = 0;
  // One value of 200 among 128,000 standard normals.
  const ActivationStats stats = stats_of(2000, [&] { return count++ == 5000 ? 200.0f : n(rng); });
  const Histogram& h = stats.histogram();
  CHECK(max_range(h).hi == 200);
  const ActivationRange pct = percentile_range(h, 99.99);
  CHECK(pct.hi > 3);
  CHECK(pct.hi < 5);
  CHECK(pct.lo < -3);
  CHECK(pct.lo > -5);
  // MSE: clipping the outlier at hi costs (200 - hi)^2; the others' rounding
  // costs N (hi - lo)^2 / (255^2 12). Least at hi = (200 + c lo) / (1 + c),
  // c = N / (255^2 12): about 171, not 200 and not 4.
  const ActivationRange mse = mse_range(h);
  const double c = (h.total() - 1) / (255.0 * 255.0 * 12.0);
  CHECK(mse.hi == doctest::Approx((200 + c * mse.lo) / (1 + c)).epsilon(0.003));
  CHECK(mse.lo < -2);  // most of the normal tail stays in range
  // The outlier's row is one of 2,000; the 256 sampled rows miss it, so on
  // them clipping wins by far.
  const ScaleChoice choice = choose_scale(stats, {}, {});
  CHECK(choice.method == CalibrationMethod::kPercentile);
  const ScaleChoice max = choose_scale(stats, {CalibrationMethod::kMax, 99.99}, {});
  CHECK(max.method == CalibrationMethod::kMax);
  CHECK(choice.sample_error * 10 < max.sample_error);
}

TEST_CASE("percentile_range cuts each tail at the percentile") {
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(-100, 100);
  const ActivationStats stats = stats_of(4000, [&] { return u(rng); });
  const ActivationRange r = percentile_range(stats.histogram(), 99);
  // 1% of a uniform over 200 is 2 from each end.
  CHECK(r.hi == doctest::Approx(98).epsilon(0.005));
  CHECK(r.lo == doctest::Approx(-98).epsilon(0.005));
  const ActivationRange all = percentile_range(stats.histogram(), 100);
  CHECK(all.hi == stats.max());
}

TEST_CASE("mse_range: no range of a grid has a lower expected error") {
  std::mt19937 rng(5);
  std::exponential_distribution<float> e(1.0f);
  std::bernoulli_distribution sign(0.3);
  const ActivationStats stats = stats_of(500, [&] { return sign(rng) ? -e(rng) : 3 * e(rng); });
  const Histogram& h = stats.histogram();
  const double best = expected_error(h, mse_range(h));
  CHECK(best < expected_error(h, max_range(h)));
  for (int i = 0; i <= 40; ++i) {
    for (int j = 1; j <= 40; ++j) {
      const ActivationRange r{h.lo * static_cast<float>(i) / 40, h.hi * static_cast<float>(j) / 40};
      CHECK(best <= expected_error(h, r) * (1 + 1e-9));
    }
  }
}

TEST_CASE("sample_error: measured through the weight, scales with it, zero when exact") {
  const float rows[] = {0.1f, -0.37f, 0.9f, 0.25f};  // 2 rows of 2
  const ref::RowQuantization q = range_quantization({-1, 1});
  const double plain = sample_error(rows, 2, q, {});
  CHECK(plain > 0);
  const float identity[] = {1, 0, 0, 1};
  CHECK(sample_error(rows, 2, q, identity) == doctest::Approx(plain));
  const float twice[] = {2, 0, 0, 2};
  CHECK(sample_error(rows, 2, q, twice) == doctest::Approx(4 * plain));
  const float on_grid[] = {0, 1.0f};  // 0 and the top of the range are exact
  CHECK(sample_error(on_grid, 2, range_quantization({0, 1}), {}) == 0);
}

TEST_CASE("method names") {
  for (CalibrationMethod m : {CalibrationMethod::kMax, CalibrationMethod::kPercentile,
                              CalibrationMethod::kMse, CalibrationMethod::kAuto})
    CHECK(calibration_method_from_name(calibration_method_name(m)) == m);
  CHECK_FALSE(calibration_method_from_name("entropy"));
}

}  // namespace
}  // namespace minirt::converter
