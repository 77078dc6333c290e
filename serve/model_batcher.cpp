#include "serve/model_batcher.h"

#include <algorithm>

#include "serve/log.h"

namespace minirt::serve {

namespace {

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

ModelBatcher::ModelBatcher(std::string model_name,
                           std::vector<std::unique_ptr<BatchRunner>> runners, BatchLimits limits,
                           int64_t max_queue, Metrics& metrics)
    : model_name_(std::move(model_name)),
      runners_(std::move(runners)),
      limits_(limits),
      max_queue_(max_queue),
      metrics_(metrics) {
  for (auto& runner : runners_) threads_.emplace_back([this, &runner] { instance_loop(*runner); });
}

ModelBatcher::~ModelBatcher() { drain(); }

void ModelBatcher::submit(std::shared_ptr<PendingRequest> request) {
  {
    std::lock_guard lock(mutex_);
    if (draining_) {
      request->fail(StatusCode::kUnavailable, "server is shutting down");
      return;
    }
    if (static_cast<int64_t>(queue_.size()) >= max_queue_) {
      request->fail(StatusCode::kQueueFull, "model '" + model_name_ + "' queue is full (" +
                                                std::to_string(max_queue_) + " requests)");
      return;
    }
    request->enqueued = Clock::now();
    queue_.push_back(std::move(request));
    metrics_.queue_depth(model_name_, static_cast<int64_t>(queue_.size()));
  }
  wake_.notify_one();
}

void ModelBatcher::drain() {
  {
    std::lock_guard lock(mutex_);
    if (draining_ && threads_.empty()) return;
    draining_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

bool ModelBatcher::batch_ready(Clock::time_point now) const {
  if (queue_.empty()) return false;
  if (draining_) return true;
  // The whole queue already fills a batch (rows, requests or tokens)...
  BatchCost cost(limits_.ragged);
  for (const auto& r : queue_) cost.add(r->tokens);
  if (cost.rows() >= limits_.max_rows) return true;
  if (limits_.max_requests > 0 && static_cast<int64_t>(queue_.size()) >= limits_.max_requests)
    return true;
  if (cost.tokens() >= limits_.max_tokens) return true;
  // ... or the oldest request has waited long enough.
  return now - queue_.front()->enqueued >= limits_.max_delay;
}

std::vector<std::shared_ptr<PendingRequest>> ModelBatcher::cut_batch(Clock::time_point now) {
  std::vector<std::shared_ptr<PendingRequest>> batch;
  BatchCost cost(limits_.ragged);
  while (!queue_.empty()) {
    std::shared_ptr<PendingRequest>& next = queue_.front();
    if (next->cancelled.load()) {
      next->fail(StatusCode::kCancelled, "client disconnected");
      queue_.pop_front();
      continue;
    }
    if (now >= next->deadline) {
      next->fail(StatusCode::kDeadlineExceeded, "deadline passed while queued");
      queue_.pop_front();
      continue;
    }
    BatchCost grown = cost;
    grown.add(next->tokens);
    const bool over =
        grown.rows() > limits_.max_rows || grown.tokens() > limits_.max_tokens ||
        (limits_.max_requests > 0 && static_cast<int64_t>(batch.size()) >= limits_.max_requests);
    // The first request always goes, even over the token budget: it runs alone.
    if (!batch.empty() && over) break;
    cost = grown;
    batch.push_back(std::move(next));
    queue_.pop_front();
  }
  metrics_.queue_depth(model_name_, static_cast<int64_t>(queue_.size()));
  return batch;
}

void ModelBatcher::instance_loop(BatchRunner& runner) {
  std::unique_lock lock(mutex_);
  for (;;) {
    const Clock::time_point now = Clock::now();
    if (queue_.empty()) {
      if (draining_) return;
      wake_.wait(lock);
      continue;
    }
    if (!batch_ready(now)) {
      wake_.wait_until(lock, queue_.front()->enqueued + limits_.max_delay);
      continue;
    }
    std::vector<std::shared_ptr<PendingRequest>> batch = cut_batch(now);
    if (batch.empty()) continue;
    // Another instance may take what is left while this one runs.
    if (!queue_.empty()) wake_.notify_one();
    lock.unlock();
    const Clock::time_point start = Clock::now();
    std::vector<double> queue_seconds;
    BatchCost cost(limits_.ragged);
    for (const auto& r : batch) {
      queue_seconds.push_back(seconds(start - r->enqueued));
      cost.add(r->tokens);
    }
    std::vector<InferResult> results = runner.execute(batch);
    const double compute = seconds(Clock::now() - start);
    metrics_.batch(model_name_, queue_seconds, compute, static_cast<int64_t>(batch.size()),
                   cost.tokens());
    if (!results.front().status.ok())
      log_event("error", "batch_failed",
                {{"model", model_name_}, {"message", results.front().status.message}});
    for (size_t i = 0; i < batch.size(); ++i) batch[i]->complete(std::move(results[i]));
    lock.lock();
  }
}

}  // namespace minirt::serve
