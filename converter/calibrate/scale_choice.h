// A static int8 activation range per tensor, three ways, from the
// statistics of activation_stats.h. The range becomes a u8 scale and zero
// point exactly as the int8 MatMul's per-row quantizer makes one from a row
// (ops/ref/int8.h: widened to include 0, 255 steps):
//   max         the whole observed range: nothing clips, the steps are widest
//   percentile  each tail cut at a percentile (99.99 by default): the rare
//               outliers clip, everything else gets finer steps
//   mse         the range whose expected squared error over the histogram is
//               least: rounding (step^2 / 12 per value inside) against
//               clipping ((x - bound)^2 per value outside)
//   auto        of the three, the one whose error on the MatMul's output
//               (x W^T over the sampled rows, weights in float) is least;
//               a method that clips more must beat one that clips less by
//               kAutoMargin (a uniform input keeps max)
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "converter/calibrate/activation_stats.h"
#include "ops/ref/int8.h"

namespace minirt::converter {

enum class CalibrationMethod { kMax, kPercentile, kMse, kAuto };

// "max", "percentile", "mse", "auto".
const char* calibration_method_name(CalibrationMethod method);
std::optional<CalibrationMethod> calibration_method_from_name(std::string_view name);

// [lo, hi], lo <= 0 <= hi.
struct ActivationRange {
  float lo = 0, hi = 0;
};

ActivationRange max_range(const Histogram& histogram);
// percentile in (50, 100]: the values below the (100 - percentile)th and
// above the percentile-th percentile clip.
ActivationRange percentile_range(const Histogram& histogram, double percentile);
ActivationRange mse_range(const Histogram& histogram);

// The expected squared quantization error of the histogram's values under a
// range (the figure mse_range minimises).
double expected_error(const Histogram& histogram, ActivationRange range);

// The u8 quantization a range gives (ops/ref/int8.h's row rule).
ref::RowQuantization range_quantization(ActivationRange range);

// The summed squared error that quantizing rows (row_size values each, back to
// back) with q adds to rows x weight^T, weight [n, row_size] row-major; with
// no weight, the error of the rows themselves.
double sample_error(std::span<const float> rows, int64_t row_size, const ref::RowQuantization& q,
                    std::span<const float> weight);

struct ScaleChoice {
  CalibrationMethod method = CalibrationMethod::kMax;  // never kAuto: what auto chose
  ActivationRange range;
  ref::RowQuantization quantization;
  double sample_error = 0;  // sample_error() of the choice
};

inline constexpr double kAutoMargin = 0.02;

struct ScaleOptions {
  CalibrationMethod method = CalibrationMethod::kAuto;
  double percentile = 99.99;
};

// stats' histogram must be filled (both passes); weight as for sample_error.
ScaleChoice choose_scale(const ActivationStats& stats, const ScaleOptions& options,
                         std::span<const float> weight);

}  // namespace minirt::converter
