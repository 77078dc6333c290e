// Prometheus text metrics (exposition format 0.0.4) for /metrics: requests and
// failures by model, queue time, compute time, batch size histograms, tokens
// per second and queue depth. One mutex: updates are a few per batch.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "serve/inference.h"

namespace minirt::serve {

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  // The _bucket, _sum and _count lines of `name` with `labels` ("model=\"x\"").
  void write(std::string& out, const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // one per bound, not cumulative; +Inf is count_
  double sum_ = 0;
  uint64_t count_ = 0;
};

class Metrics {
 public:
  // The per-model series exist (at zero) from start for each model named here.
  explicit Metrics(const std::vector<std::string>& models);
  ~Metrics();

  void request(const std::string& model, const char* protocol);
  void failure(const std::string& model, StatusCode code);
  void queue_depth(const std::string& model, int64_t depth);
  // One executed batch: its requests' queue times, its compute time, its size.
  void batch(const std::string& model, const std::vector<double>& queue_seconds,
             double compute_seconds, int64_t requests, int64_t tokens);

  std::string prometheus_text() const;

 private:
  struct PerModel;
  PerModel& model(const std::string& name);  // mutex held

  mutable std::mutex mutex_;
  std::map<std::string, PerModel> models_;
};

const char* status_code_name(StatusCode code);

}  // namespace minirt::serve
