// What calibration learns about one MatMul input over the sample inputs:
// its range, a histogram over that range, and a fixed-size random sample of
// its rows (to measure each candidate scale's real error). Two passes over
// the samples: the first fixes the range (and draws the rows), the second
// fills the histogram over it.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

namespace minirt::converter {

// counts[i] holds the values in [lo + i * width, lo + (i + 1) * width); the
// top bin includes hi.
struct Histogram {
  float lo = 0, hi = 0;
  std::vector<double> counts;

  Histogram() = default;
  Histogram(float lo, float hi, int bins);
  double width() const { return (double{hi} - lo) / static_cast<double>(counts.size()); }
  double center(size_t i) const { return lo + (static_cast<double>(i) + 0.5) * width(); }
  void add(float x);
  double total() const;
};

class ActivationStats {
 public:
  // name: the tensor, for errors; row_size: K; sample_rows: how many rows
  // the random sample keeps (reservoir sampling, deterministic for seed).
  ActivationStats(std::string name, int64_t row_size, int64_t sample_rows, uint64_t seed);

  // Pass 1. Throws Error naming the tensor for a NaN or infinity.
  void add_row(std::span<const float> row);
  // Between the passes: bins over [min, max] widened to include 0.
  void start_histogram(int bins);
  // Pass 2.
  void add_row_to_histogram(std::span<const float> row);

  const std::string& name() const { return name_; }
  int64_t row_size() const { return row_size_; }
  int64_t rows() const { return rows_; }
  float min() const { return min_; }
  float max() const { return max_; }
  const Histogram& histogram() const { return histogram_; }
  // Sampled rows, back to back, row_size() values each.
  const std::vector<float>& samples() const { return samples_; }

 private:
  std::string name_;
  int64_t row_size_, sample_rows_;
  std::mt19937_64 random_;
  int64_t rows_ = 0;
  float min_ = 0, max_ = 0;
  std::vector<float> samples_;
  Histogram histogram_;
};

}  // namespace minirt::converter
