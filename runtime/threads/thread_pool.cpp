#include "runtime/threads/thread_pool.h"

#include <immintrin.h>

#include <algorithm>

namespace minirt {
namespace {

// Spins (with pause) until done() or kSpinTime passes; true when done().
template <typename Done>
bool spin_until(Done&& done) {
  constexpr int kPausesPerClockRead = 64;
  const auto deadline = std::chrono::steady_clock::now() + ThreadPool::kSpinTime;
  for (;;) {
    for (int i = 0; i < kPausesPerClockRead; ++i) {
      if (done()) return true;
      _mm_pause();
    }
    if (std::chrono::steady_clock::now() >= deadline) return done();
  }
}

}  // namespace

ThreadPool::ThreadPool(int threads) {
  try {
    workers_.reserve(static_cast<size_t>(std::max(threads - 1, 0)));
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
  } catch (...) {  // a thread the system would not start: stop those that did
    stop();
    throw;
  }
}

ThreadPool::~ThreadPool() { stop(); }

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  job_posted_.notify_all();
  for (std::thread& worker : workers_) worker.join();
}

void ThreadPool::run_chunks(std::unique_lock<std::mutex>& lock) {
  while (job_.next_chunk < job_.chunks) {
    const int64_t chunk = job_.next_chunk++;
    const RangeFn& fn = *job_.fn;
    const int64_t begin = job_.n * chunk / job_.chunks;
    const int64_t end = job_.n * (chunk + 1) / job_.chunks;
    lock.unlock();
    fn(begin, end);
    lock.lock();
    ++chunks_done_;
  }
}

bool ThreadPool::job_done() const {
  return chunks_done_.load(std::memory_order_acquire) == job_.chunks && workers_busy_.load() == 0;
}

void ThreadPool::worker_loop() {
  uint64_t seen = 0;
  for (;;) {
    spin_until([&] { return stopping_.load() || generation_.load() != seen; });
    std::unique_lock<std::mutex> lock(mutex_);
    job_posted_.wait(lock, [&] { return stopping_.load() || generation_.load() != seen; });
    if (stopping_) return;
    seen = generation_;
    ++workers_busy_;
    run_chunks(lock);
    --workers_busy_;
    job_finished_.notify_one();
  }
}

void ThreadPool::for_range(int64_t n, int64_t grain, RangeFn fn) {
  if (n <= 0) return;
  const int64_t max_chunks = std::max<int64_t>(1, n / std::max<int64_t>(grain, 1));
  const int64_t chunks = std::min<int64_t>(threads(), max_chunks);
  if (chunks == 1) {
    fn(0, n);
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  job_ = Job{&fn, n, chunks, 0};
  chunks_done_ = 0;
  ++generation_;
  lock.unlock();
  job_posted_.notify_all();
  lock.lock();
  run_chunks(lock);
  // Wait for every chunk, and for every worker to leave the job, so the next
  // job never races with a late worker still reading this one.
  if (!job_done()) {
    lock.unlock();
    spin_until([&] { return job_done(); });
    lock.lock();
  }
  job_finished_.wait(lock, [&] { return job_done(); });
}

}  // namespace minirt
