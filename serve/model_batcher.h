// Dynamic batching for one model: a bounded queue of requests and one thread
// per instance (each with its own BatchRunner). A thread cuts a batch when the
// queued requests reach the token budget or the oldest has waited the max
// queue delay, runs it, and completes each request.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "serve/batch_runner.h"
#include "serve/metrics.h"
#include "serve/model_config.h"

namespace minirt::serve {

struct BatchLimits {
  int64_t max_rows = 1;      // the model file's max batch
  int64_t max_tokens = 1;    // BatchCost::tokens() of a batch
  bool ragged = false;       // the model runs ragged batches (BatchCost)
  int64_t max_requests = 0;  // 0: no cap
  Clock::duration max_delay{};
};

class ModelBatcher {
 public:
  ModelBatcher(std::string model_name, std::vector<std::unique_ptr<BatchRunner>> runners,
               BatchLimits limits, int64_t max_queue, Metrics& metrics);
  ~ModelBatcher();  // drains (see drain())

  // Queues the request, or completes it at once with kQueueFull (queue at
  // max_queue) or kUnavailable (draining).
  void submit(std::shared_ptr<PendingRequest> request);

  // Refuses new requests, runs every queued one, and joins the threads.
  void drain();

 private:
  void instance_loop(BatchRunner& runner);
  // Takes the next batch off the queue (mutex held); completes requests that
  // were cancelled or whose deadline passed instead of running them.
  std::vector<std::shared_ptr<PendingRequest>> cut_batch(Clock::time_point now);
  bool batch_ready(Clock::time_point now) const;  // mutex held

  const std::string model_name_;
  std::vector<std::unique_ptr<BatchRunner>> runners_;
  const BatchLimits limits_;
  const int64_t max_queue_;
  Metrics& metrics_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<PendingRequest>> queue_;
  bool draining_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace minirt::serve
