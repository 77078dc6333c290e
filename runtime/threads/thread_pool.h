// The runtime's own pool for splitting one op across threads. Workers sleep
// on a condition variable between jobs, so an idle process uses no CPU.
// (Issue 4 adds a short spin before sleeping, for batch-1 latency.)
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "ops/parallel.h"

namespace minirt {

class ThreadPool final : public Parallel {
 public:
  // threads counts the caller: ThreadPool(1) starts no worker.
  explicit ThreadPool(int threads);
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const override { return static_cast<int>(workers_.size()) + 1; }
  void for_range(int64_t n, int64_t grain, RangeFn fn) override;

 private:
  struct Job {
    const RangeFn* fn = nullptr;
    int64_t n = 0;
    int64_t chunks = 0;
    int64_t next_chunk = 0;  // guarded by mutex_
    int64_t chunks_done = 0;
  };
  void worker_loop();
  // Claims and runs chunks of the current job until none are left.
  void run_chunks(std::unique_lock<std::mutex>& lock);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable job_posted_;
  std::condition_variable job_finished_;
  Job job_;
  uint64_t generation_ = 0;
  int workers_busy_ = 0;
  bool stopping_ = false;
};

}  // namespace minirt
