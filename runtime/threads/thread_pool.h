// The runtime's own pool for splitting one op across threads, tuned for
// batch-1 latency: after a job, workers (and the caller waiting for them)
// spin on an atomic for a bounded time (kSpinTime, with pause) so the next
// op's job starts without a futex wake-up; past that they sleep on a
// condition variable, so a process holding a model between requests uses
// no CPU. Every hand-off still happens under the mutex; spinning only
// decides when to take it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "ops/parallel.h"

namespace minirt {

class ThreadPool final : public Parallel {
 public:
  // How long a worker or the caller spins before sleeping.
  static constexpr std::chrono::microseconds kSpinTime{100};

  // threads counts the caller: ThreadPool(1) starts no worker. Throws what
  // std::thread throws (std::system_error, std::bad_alloc) when a worker
  // cannot start, after stopping those that did.
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
  };
  void worker_loop();
  void stop();  // wakes and joins every worker
  // Claims and runs chunks of the current job until none are left.
  void run_chunks(std::unique_lock<std::mutex>& lock);
  bool job_done() const;

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable job_posted_;
  std::condition_variable job_finished_;
  Job job_;
  // Written under mutex_; atomic so spinners may read them without it.
  std::atomic<uint64_t> generation_{0};
  std::atomic<int64_t> chunks_done_{0};
  std::atomic<int> workers_busy_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace minirt
