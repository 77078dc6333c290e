// Helpers shared by the unit tests: seeded random data, error measures, and a
// thread-backed Parallel to check that kernels split work correctly.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <random>
#include <span>
#include <thread>
#include <vector>

#include "ops/parallel.h"

namespace minirt::test {

// A fresh seed per run, so every run tries new data. Tests CAPTURE it, and
// a failure prints it: MINIRT_TEST_SEED=<seed> replays the case.
inline uint32_t fresh_seed() {
  if (const char* fixed = std::getenv("MINIRT_TEST_SEED"))
    return static_cast<uint32_t>(std::strtoul(fixed, nullptr, 10));
  return std::random_device{}();
}

inline std::vector<float> random_floats(std::mt19937& rng, size_t count, float lo = -1.0f,
                                        float hi = 1.0f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> values(count);
  for (float& v : values) v = dist(rng);
  return values;
}

// Uniform in [lo, hi], both included.
inline std::vector<int64_t> random_ints(std::mt19937& rng, size_t count, int64_t lo, int64_t hi) {
  std::uniform_int_distribution<int64_t> dist(lo, hi);
  std::vector<int64_t> values(count);
  for (int64_t& v : values) v = dist(rng);
  return values;
}

// An attention mask [batch, seq] of right-padded sequences: each keeps a
// random length in [1, seq] of ones, then zeros.
inline std::vector<int64_t> random_padded_mask(std::mt19937& rng, int64_t batch, int64_t seq) {
  std::uniform_int_distribution<int64_t> length_dist(1, seq);
  std::vector<int64_t> mask(batch * seq, 0);
  for (int64_t b = 0; b < batch; ++b) std::fill_n(mask.begin() + b * seq, length_dist(rng), 1);
  return mask;
}

inline double max_abs(std::span<const double> values) {
  double result = 0.0;
  for (double v : values) result = std::max(result, std::abs(v));
  return result;
}

// Largest |got[i] - want[i]|; NaN anywhere in got gives infinity so it fails.
inline double max_abs_diff(std::span<const float> got, std::span<const double> want) {
  REQUIRE(got.size() == want.size());
  double result = 0.0;
  for (size_t i = 0; i < got.size(); ++i) {
    const double diff = std::abs(static_cast<double>(got[i]) - want[i]);
    result = std::max(result, std::isnan(diff) ? INFINITY : diff);
  }
  return result;
}

// Checks got against a double-precision reference: every element within
// rel_tol * (1 + max|want|), so the bound follows the output's magnitude.
inline void check_close(std::span<const float> got, std::span<const double> want, double rel_tol) {
  const double error = max_abs_diff(got, want);
  const double tolerance = rel_tol * (1.0 + max_abs(want));
  CAPTURE(error);
  CAPTURE(tolerance);
  CHECK(error <= tolerance);
}

// Runs for_range on `threads` std::threads, splitting [0, n) into `threads`
// near-equal chunks. It ignores grain on purpose: small test shapes then still
// split, and a kernel must give the same bits however its range is cut.
class ThreadParallel final : public Parallel {
 public:
  explicit ThreadParallel(int threads) : threads_(threads) {}
  int threads() const override { return threads_; }
  void for_range(int64_t n, int64_t /*grain*/, RangeFn fn) override {
    const int64_t chunks = std::min<int64_t>(threads_, n);
    std::vector<std::thread> workers;
    for (int64_t c = 1; c < chunks; ++c) {
      workers.emplace_back([&, c] { fn(n * c / chunks, n * (c + 1) / chunks); });
    }
    if (chunks > 0) fn(0, n / chunks);
    for (std::thread& worker : workers) worker.join();
  }

 private:
  int threads_;
};

// Call after a serial run has written `outputs`: reruns `run(parallel)` on 2,
// 3 and 4 threads, outputs poisoned with NaN first, and checks the same bits
// come back.
template <typename Run>
void check_threads_match_serial(std::initializer_list<std::span<float>> outputs, Run&& run) {
  std::vector<std::vector<float>> serial;
  for (std::span<float> output : outputs) serial.emplace_back(output.begin(), output.end());
  for (int threads : {2, 3, 4}) {
    CAPTURE(threads);
    for (std::span<float> output : outputs) std::fill(output.begin(), output.end(), NAN);
    ThreadParallel parallel(threads);
    run(parallel);
    size_t i = 0;
    for (std::span<float> output : outputs) {
      CHECK(std::equal(output.begin(), output.end(), serial[i++].begin()));
    }
  }
}

}  // namespace minirt::test
