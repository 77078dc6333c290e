#include "serve/inference_service.h"

namespace minirt::serve {

namespace {

// How often a waiting request checks whether its client is still there.
constexpr auto kClientPollInterval = std::chrono::milliseconds(20);

// Counts a failure under the model's name, or "" for a name no model has (so
// a client cannot grow the metrics with made-up names).
InferResult failed(Metrics& metrics, const std::string& model, StatusCode code,
                   std::string message) {
  metrics.failure(model, code);
  return {{code, std::move(message)}, {}};
}

}  // namespace

InferenceService::InferenceService(ModelRepository& repository, Metrics& metrics)
    : repository_(repository), metrics_(metrics) {}

InferResult InferenceService::infer(InferCall call, const char* protocol) {
  const ServedModel* model = repository_.find(call.model_name);
  if (model == nullptr)
    return failed(metrics_, "", StatusCode::kNotFound, "unknown model '" + call.model_name + "'");
  metrics_.request(model->name, protocol);
  if (draining_.load())
    return failed(metrics_, model->name, StatusCode::kUnavailable, "server is shutting down");
  auto request = std::make_shared<PendingRequest>();
  Status status = decode_tokens(*model, call.inputs, &request->tokens);
  if (status.ok()) status = check_requested_outputs(*model, call.requested_outputs);
  if (!status.ok()) return failed(metrics_, model->name, status.code, std::move(status.message));
  request->requested_outputs = std::move(call.requested_outputs);
  const auto timeout = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double, std::milli>(model->config.timeout_ms));
  request->deadline = std::min(call.deadline, Clock::now() + timeout);
  std::future<InferResult> future = request->promise.get_future();
  model->batcher->submit(request);
  for (;;) {
    if (future.wait_for(kClientPollInterval) == std::future_status::ready) {
      InferResult result = future.get();
      if (!result.status.ok()) metrics_.failure(model->name, result.status.code);
      return result;
    }
    // Marked, the request is dropped if it has not started; if it has, its
    // result is thrown away when it completes.
    if (call.client_gone && call.client_gone()) {
      request->cancelled.store(true);
      return failed(metrics_, model->name, StatusCode::kCancelled, "client disconnected");
    }
    if (Clock::now() >= request->deadline) {
      request->cancelled.store(true);
      return failed(metrics_, model->name, StatusCode::kDeadlineExceeded,
                    "deadline exceeded before the result was ready");
    }
  }
}

}  // namespace minirt::serve
