// What both benchmarks share: the clock, percentiles, peak memory and the
// random token ids their inputs are made of.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "minirt/minirt.h"

namespace minirt::cli {

using Clock = std::chrono::steady_clock;

inline double micros_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// p in [0, 1] of sorted values, interpolated between neighbours.
inline double percentile(const std::vector<double>& sorted, double p) {
  const double rank = p * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(rank);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - static_cast<double>(lo));
}

inline size_t peak_resident_bytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<size_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

// Token ids drawn uniformly from the model's vocabulary, fixed seed.
inline std::vector<int64_t> random_ids(const ModelSummary& s, int64_t count) {
  int64_t bound = 1;
  for (const InputInfo& in : s.inputs)
    if (in.name == "input_ids") bound = std::max<int64_t>(in.index_bound, 1);
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int64_t> pick(0, bound - 1);
  std::vector<int64_t> ids(static_cast<size_t>(count));
  for (int64_t& id : ids) id = pick(rng);
  return ids;
}

}  // namespace minirt::cli
