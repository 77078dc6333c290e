#include "converter/calibrate/activation_stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "minirt/minirt.h"

namespace minirt::converter {

Histogram::Histogram(float lo_edge, float hi_edge, int bins)
    : lo(lo_edge), hi(hi_edge), counts(static_cast<size_t>(bins), 0.0) {}

void Histogram::add(float x) {
  const double w = width();
  const double at = w > 0 ? (double{x} - lo) / w : 0.0;
  const auto last = static_cast<double>(counts.size() - 1);
  counts[static_cast<size_t>(std::clamp(at, 0.0, last))] += 1;
}

double Histogram::total() const { return std::accumulate(counts.begin(), counts.end(), 0.0); }

ActivationStats::ActivationStats(std::string name, int64_t row_size, int64_t sample_rows,
                                 uint64_t seed)
    : name_(std::move(name)), row_size_(row_size), sample_rows_(sample_rows), random_(seed) {}

void ActivationStats::add_row(std::span<const float> row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (!std::isfinite(row[i]))
      throw Error("calibration: '" + name_ + "' holds " + std::to_string(row[i]) +
                  " in a sample's row at element " + std::to_string(i));
  }
  const auto [lo, hi] = std::minmax_element(row.begin(), row.end());
  min_ = rows_ == 0 ? *lo : std::min(min_, *lo);
  max_ = rows_ == 0 ? *hi : std::max(max_, *hi);
  // Reservoir sampling: every row seen has the same chance to be kept.
  int64_t slot = rows_;
  if (rows_ >= sample_rows_) slot = std::uniform_int_distribution<int64_t>(0, rows_)(random_);
  ++rows_;
  if (slot >= sample_rows_) return;
  const auto at = static_cast<size_t>(slot * row_size_);
  if (samples_.size() < at + row.size()) samples_.resize(at + row.size());
  std::copy(row.begin(), row.end(), samples_.begin() + static_cast<std::ptrdiff_t>(at));
}

void ActivationStats::start_histogram(int bins) {
  histogram_ = Histogram(std::min(min_, 0.0f), std::max(max_, 0.0f), bins);
}

void ActivationStats::add_row_to_histogram(std::span<const float> row) {
  for (float x : row) histogram_.add(x);
}

}  // namespace minirt::converter
