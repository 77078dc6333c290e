#include "converter/calibrate/scale_choice.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace minirt::converter {
namespace {

constexpr std::array<std::pair<CalibrationMethod, const char*>, 4> kMethodNames{{
    {CalibrationMethod::kMax, "max"},
    {CalibrationMethod::kPercentile, "percentile"},
    {CalibrationMethod::kMse, "mse"},
    {CalibrationMethod::kAuto, "auto"},
}};

ActivationRange widened(double lo, double hi) {
  return {static_cast<float>(std::min(lo, 0.0)), static_cast<float>(std::max(hi, 0.0))};
}

// Squared rounding error per value inside a range: uniform over one step.
double rounding_error(double lo, double hi) {
  const double step = (hi - lo) / 255.0;
  return step * step / 12.0;
}

// Running sums over the bins below each edge: count, count * center,
// count * center^2; sums[t] covers bins [0, t).
struct BinSums {
  std::vector<double> n, x, xx;
  explicit BinSums(const Histogram& h) : n(h.counts.size() + 1), x(n.size()), xx(n.size()) {
    for (size_t i = 0; i < h.counts.size(); ++i) {
      const double c = h.center(i), k = h.counts[i];
      n[i + 1] = n[i] + k;
      x[i + 1] = x[i] + k * c;
      xx[i + 1] = xx[i] + k * c * c;
    }
  }
  // sum over bins [a, b) of count * (center - bound)^2
  double clip_error(size_t a, size_t b, double bound) const {
    return (xx[b] - xx[a]) - 2 * bound * (x[b] - x[a]) + bound * bound * (n[b] - n[a]);
  }
};

}  // namespace

const char* calibration_method_name(CalibrationMethod method) {
  for (const auto& [m, name] : kMethodNames)
    if (m == method) return name;
  return "?";
}

std::optional<CalibrationMethod> calibration_method_from_name(std::string_view name) {
  for (const auto& [m, n] : kMethodNames)
    if (name == n) return m;
  return std::nullopt;
}

ActivationRange max_range(const Histogram& histogram) {
  return widened(histogram.lo, histogram.hi);
}

ActivationRange percentile_range(const Histogram& h, double percentile) {
  const double total = h.total();
  const double tail = total * (100.0 - percentile) / 100.0;
  if (total == 0 || tail <= 0) return max_range(h);
  const double w = h.width();
  const size_t bins = h.counts.size();
  // The point below which `tail` values lie, interpolated inside its bin.
  auto cut_from_bottom = [&](auto count_of, auto edge_of) {
    double below = 0;
    for (size_t i = 0; i < bins; ++i) {
      const double k = count_of(i);
      if (below + k >= tail) return edge_of(i) + (k > 0 ? (tail - below) / k : 0.0);
      below += k;
    }
    return edge_of(bins);
  };
  const double lo = h.lo + w * cut_from_bottom([&](size_t i) { return h.counts[i]; },
                                               [](size_t i) { return static_cast<double>(i); });
  const double hi = h.hi - w * cut_from_bottom([&](size_t i) { return h.counts[bins - 1 - i]; },
                                               [](size_t i) { return static_cast<double>(i); });
  return widened(lo, hi);
}

ActivationRange mse_range(const Histogram& h) {
  const size_t bins = h.counts.size();
  const double w = h.width();
  if (!(w > 0)) return max_range(h);
  const BinSums sums(h);
  // Candidate bounds are bin edges: lower ones at or below 0, upper ones at
  // or above it.
  const auto zero = -double{h.lo} / w;
  const auto last_lower = std::min(static_cast<size_t>(std::floor(zero)), bins);
  const auto first_upper = std::min(static_cast<size_t>(std::ceil(zero)), bins);
  double best = std::numeric_limits<double>::infinity();
  ActivationRange range = max_range(h);
  for (size_t a = 0; a <= last_lower; ++a) {
    const double lo = h.lo + w * static_cast<double>(a);
    const double below = sums.clip_error(0, a, lo);
    for (size_t b = std::max(first_upper, a + 1); b <= bins; ++b) {
      const double hi = h.lo + w * static_cast<double>(b);
      const double error =
          below + sums.clip_error(b, bins, hi) + (sums.n[b] - sums.n[a]) * rounding_error(lo, hi);
      if (error < best) {
        best = error;
        range = widened(lo, hi);
      }
    }
  }
  return range;
}

double expected_error(const Histogram& h, ActivationRange range) {
  const double inside = rounding_error(range.lo, range.hi);
  double error = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    const double c = h.center(i);
    const double clipped = c < range.lo ? c - range.lo : c > range.hi ? c - range.hi : 0.0;
    error += h.counts[i] * (clipped != 0 ? clipped * clipped : inside);
  }
  return error;
}

ref::RowQuantization range_quantization(ActivationRange range) {
  return ref::row_quantization(range.lo, range.hi);
}

double sample_error(std::span<const float> rows, int64_t row_size, const ref::RowQuantization& q,
                    std::span<const float> weight) {
  const auto k = static_cast<size_t>(row_size);
  std::vector<float> error(k);
  double total = 0;
  for (size_t r = 0; r + k <= rows.size(); r += k) {
    for (size_t i = 0; i < k; ++i) {
      const float x = rows[r + i];
      error[i] = (static_cast<float>(ref::quantize_u8(x, q)) - q.zero_point) * q.scale - x;
    }
    if (weight.empty()) {
      for (float e : error) total += double{e} * e;
      continue;
    }
    for (size_t n = 0; n + k <= weight.size(); n += k) {
      float dot = 0;
      for (size_t i = 0; i < k; ++i) dot += error[i] * weight[n + i];
      total += double{dot} * dot;
    }
  }
  return total;
}

ScaleChoice choose_scale(const ActivationStats& stats, const ScaleOptions& options,
                         std::span<const float> weight) {
  auto choice = [&](CalibrationMethod method) {
    const Histogram& h = stats.histogram();
    ScaleChoice c;
    c.method = method;
    c.range = method == CalibrationMethod::kMax          ? max_range(h)
              : method == CalibrationMethod::kPercentile ? percentile_range(h, options.percentile)
                                                         : mse_range(h);
    c.quantization = range_quantization(c.range);
    c.sample_error = sample_error(stats.samples(), stats.row_size(), c.quantization, weight);
    return c;
  };
  if (options.method != CalibrationMethod::kAuto) return choice(options.method);
  // In order of how much each clips: max, percentile, mse. A later one must
  // cut the error by kAutoMargin to be taken: clipping that gains little on
  // the samples risks more on inputs the samples lack.
  ScaleChoice best = choice(CalibrationMethod::kMax);
  for (CalibrationMethod m : {CalibrationMethod::kPercentile, CalibrationMethod::kMse}) {
    ScaleChoice c = choice(m);
    if (c.sample_error < best.sample_error * (1 - kAutoMargin)) best = c;
  }
  return best;
}

}  // namespace minirt::converter
