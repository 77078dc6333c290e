#include "serve/metrics.h"

#include <chrono>
#include <cinttypes>
#include <cstdio>

namespace minirt::serve {

namespace {

// Seconds per bucket of the tokens/s window, and the window's length.
constexpr int kRateWindowSeconds = 10;

std::vector<double> latency_bounds() {
  return {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};
}
std::vector<double> count_bounds() { return {1, 2, 4, 8, 16, 32, 64, 128, 256}; }
std::vector<double> token_bounds() { return {16, 64, 256, 1024, 4096, 16384, 65536}; }

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

int64_t now_second() {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
}

std::string escape_label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

const char* status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kQueueFull:
      return "queue_full";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case StatusCode::kCancelled:
      return "cancelled";
    case StatusCode::kInternal:
      break;
  }
  return "internal";
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size(), 0) {}

void Histogram::observe(double value) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    if (value <= bounds_[i]) {
      ++counts_[i];
      break;
    }
  }
  sum_ += value;
  ++count_;
}

void Histogram::write(std::string& out, const std::string& name, const std::string& labels) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += name + "_bucket{" + labels + ",le=\"" + number(bounds_[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  out += name + "_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(count_) + "\n";
  out += name + "_sum{" + labels + "} " + number(sum_) + "\n";
  out += name + "_count{" + labels + "} " + std::to_string(count_) + "\n";
}

struct Metrics::PerModel {
  std::map<std::string, uint64_t> requests;  // by protocol
  std::map<std::string, uint64_t> failures;  // by status code name
  Histogram queue_seconds{latency_bounds()};
  Histogram compute_seconds{latency_bounds()};
  Histogram batch_requests{count_bounds()};
  Histogram batch_tokens{token_bounds()};
  uint64_t tokens = 0;
  int64_t queue_depth = 0;
  // Tokens finished in each of the last seconds, for tokens/s.
  int64_t rate_second[kRateWindowSeconds] = {};
  uint64_t rate_tokens[kRateWindowSeconds] = {};
};

Metrics::Metrics(const std::vector<std::string>& models) {
  for (const std::string& name : models) models_[name];
}

Metrics::~Metrics() = default;

Metrics::PerModel& Metrics::model(const std::string& name) { return models_[name]; }

void Metrics::request(const std::string& model_name, const char* protocol) {
  std::lock_guard lock(mutex_);
  ++model(model_name).requests[protocol];
}

void Metrics::failure(const std::string& model_name, StatusCode code) {
  std::lock_guard lock(mutex_);
  ++model(model_name).failures[status_code_name(code)];
}

void Metrics::queue_depth(const std::string& model_name, int64_t depth) {
  std::lock_guard lock(mutex_);
  model(model_name).queue_depth = depth;
}

void Metrics::batch(const std::string& model_name, const std::vector<double>& queue_seconds,
                    double compute_seconds, int64_t requests, int64_t tokens) {
  std::lock_guard lock(mutex_);
  PerModel& m = model(model_name);
  for (const double q : queue_seconds) m.queue_seconds.observe(q);
  m.compute_seconds.observe(compute_seconds);
  m.batch_requests.observe(static_cast<double>(requests));
  m.batch_tokens.observe(static_cast<double>(tokens));
  m.tokens += static_cast<uint64_t>(tokens);
  const int64_t second = now_second();
  const int slot = static_cast<int>(second % kRateWindowSeconds);
  if (m.rate_second[slot] != second) {
    m.rate_second[slot] = second;
    m.rate_tokens[slot] = 0;
  }
  m.rate_tokens[slot] += static_cast<uint64_t>(tokens);
}

std::string Metrics::prometheus_text() const {
  std::lock_guard lock(mutex_);
  const int64_t second = now_second();
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  };
  auto each_model = [&](auto&& write) {
    for (const auto& [name, m] : models_) write("model=\"" + escape_label(name) + "\"", m);
  };
  family("minirt_serve_requests_total", "counter", "Inference requests received, by protocol.");
  each_model([&](const std::string& labels, const PerModel& m) {
    for (const auto& [protocol, n] : m.requests)
      out += "minirt_serve_requests_total{" + labels + ",protocol=\"" + protocol + "\"} " +
             std::to_string(n) + "\n";
  });
  family("minirt_serve_failures_total", "counter", "Inference requests that failed, by reason.");
  each_model([&](const std::string& labels, const PerModel& m) {
    for (const auto& [code, n] : m.failures)
      out += "minirt_serve_failures_total{" + labels + ",code=\"" + code + "\"} " +
             std::to_string(n) + "\n";
  });
  family("minirt_serve_queue_seconds", "histogram", "Time a request waited before its batch ran.");
  each_model([&](const std::string& l, const PerModel& m) {
    m.queue_seconds.write(out, "minirt_serve_queue_seconds", l);
  });
  family("minirt_serve_compute_seconds", "histogram", "Time one batch took to run.");
  each_model([&](const std::string& l, const PerModel& m) {
    m.compute_seconds.write(out, "minirt_serve_compute_seconds", l);
  });
  family("minirt_serve_batch_requests", "histogram", "Requests per executed batch.");
  each_model([&](const std::string& l, const PerModel& m) {
    m.batch_requests.write(out, "minirt_serve_batch_requests", l);
  });
  family("minirt_serve_batch_tokens", "histogram", "Tokens (rows x padded length) per batch.");
  each_model([&](const std::string& l, const PerModel& m) {
    m.batch_tokens.write(out, "minirt_serve_batch_tokens", l);
  });
  family("minirt_serve_tokens_total", "counter", "Tokens run, padding included.");
  each_model([&](const std::string& l, const PerModel& m) {
    out += "minirt_serve_tokens_total{" + l + "} " + std::to_string(m.tokens) + "\n";
  });
  family("minirt_serve_tokens_per_second", "gauge", "Tokens run per second over the last 10 s.");
  each_model([&](const std::string& l, const PerModel& m) {
    uint64_t recent = 0;
    for (int i = 0; i < kRateWindowSeconds; ++i)
      if (second - m.rate_second[i] < kRateWindowSeconds) recent += m.rate_tokens[i];
    out += "minirt_serve_tokens_per_second{" + l + "} " +
           number(static_cast<double>(recent) / kRateWindowSeconds) + "\n";
  });
  family("minirt_serve_queue_depth", "gauge", "Requests waiting in the model's queue.");
  each_model([&](const std::string& l, const PerModel& m) {
    out += "minirt_serve_queue_depth{" + l + "} " + std::to_string(m.queue_depth) + "\n";
  });
  return out;
}

}  // namespace minirt::serve
