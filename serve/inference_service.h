// What both front ends call: model lookup, request checks, queueing on the
// model's batcher and waiting for the result, with the deadline and client
// disconnects honoured, and the request and failure metrics counted.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "serve/metrics.h"
#include "serve/model_repository.h"
#include "serve/request_decode.h"

namespace minirt::serve {

struct InferCall {
  std::string model_name;
  std::vector<RawInput> inputs;
  std::vector<std::string> requested_outputs;  // empty: all
  // The client's deadline, if it set one; the model's timeout_ms caps it.
  Clock::time_point deadline = Clock::time_point::max();
  // Polled while the request waits: true once the client has gone away.
  std::function<bool()> client_gone;
};

class InferenceService {
 public:
  InferenceService(ModelRepository& repository, Metrics& metrics);

  InferResult infer(InferCall call, const char* protocol);

  const ModelRepository& repository() const { return repository_; }
  Metrics& metrics() { return metrics_; }
  bool ready() const { return !draining_.load(); }
  // From now on, inference requests get kUnavailable and readiness is false.
  void stop_accepting() { draining_.store(true); }

 private:
  ModelRepository& repository_;
  Metrics& metrics_;
  std::atomic<bool> draining_{false};
};

}  // namespace minirt::serve
