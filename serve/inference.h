// Protocol-neutral request and result types: the HTTP and gRPC front ends
// decode into these, the batcher queues them, the batch runner fills results.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <numeric>
#include <string>
#include <vector>

namespace minirt::serve {

using Clock = std::chrono::steady_clock;

// The outcomes a request can have; each front end maps them to its own codes
// (HTTP status, gRPC status).
enum class StatusCode {
  kOk,
  kInvalidArgument,   // malformed or wrong request: HTTP 400, gRPC INVALID_ARGUMENT
  kNotFound,          // unknown model or output: HTTP 404, gRPC NOT_FOUND
  kQueueFull,         // bounded queue full: HTTP 503, gRPC RESOURCE_EXHAUSTED
  kUnavailable,       // shutting down: HTTP 503, gRPC UNAVAILABLE
  kDeadlineExceeded,  // per-request deadline passed: HTTP 504, gRPC DEADLINE_EXCEEDED
  kCancelled,         // the client went away
  kInternal,          // the run failed: HTTP 500, gRPC INTERNAL
};

struct Status {
  StatusCode code = StatusCode::kOk;
  std::string message;
  bool ok() const { return code == StatusCode::kOk; }
};

// A request's tokens: `rows` sequences of `seq` tokens each, row-major. A
// 1-D request is one row, and its outputs drop the batch dimension.
struct TokenBlock {
  int64_t rows = 0;
  int64_t seq = 0;
  bool one_d = false;
  std::vector<int64_t> input_ids;
  std::vector<int64_t> attention_mask;  // empty: all ones
  std::vector<int64_t> token_type_ids;  // empty: all zeros
  // Each row's real tokens: its attention mask's leading ones (seq without a
  // mask). Empty when a row has no token or a token after a padded
  // position: such a request can only run padded.
  std::vector<int64_t> lengths;
  // What the request costs against a batch's token budget: its real tokens,
  // or rows x seq when it runs padded.
  int64_t real_tokens() const {
    return lengths.empty() ? rows * seq
                           : std::accumulate(lengths.begin(), lengths.end(), int64_t{0});
  }
};

struct OutputTensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> data;
};

struct InferResult {
  Status status;
  std::vector<OutputTensor> outputs;
};

// One queued request. The front end keeps a shared_ptr and waits on the
// future; the batcher completes it exactly once.
struct PendingRequest {
  TokenBlock tokens;
  std::vector<std::string> requested_outputs;  // empty: all
  Clock::time_point enqueued{};
  Clock::time_point deadline = Clock::time_point::max();
  // Set by the front end when its client disconnects: the batcher drops the
  // request instead of running it.
  std::atomic<bool> cancelled{false};
  std::promise<InferResult> promise;

  void complete(InferResult result) { promise.set_value(std::move(result)); }
  void fail(StatusCode code, std::string message) { complete({{code, std::move(message)}, {}}); }
};

}  // namespace minirt::serve
