#include "runtime/threads/thread_pool.h"

#include <doctest/doctest.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace minirt {
namespace {

TEST_CASE("thread pool: every index is visited exactly once") {
  for (int threads : {1, 2, 3, 8}) {
    ThreadPool pool(threads);
    CHECK(pool.threads() == threads);
    for (int64_t n : {0, 1, 2, 7, 64, 1000}) {
      for (int64_t grain : {1, 3, 100}) {
        CAPTURE(threads);
        CAPTURE(n);
        CAPTURE(grain);
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
        pool.for_range(n, grain, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)]++;
        });
        for (auto& h : hits) REQUIRE(h.load() == 1);
      }
    }
  }
}

TEST_CASE("thread pool: many short jobs back to back") {
  ThreadPool pool(4);
  std::atomic<int64_t> total{0};
  for (int job = 0; job < 2000; ++job)
    pool.for_range(16, 1, [&](int64_t begin, int64_t end) { total += end - begin; });
  CHECK(total.load() == 2000 * 16);
}

TEST_CASE("thread pool: work really spreads over threads") {
  ThreadPool pool(2);
  std::atomic<int> inside{0}, max_inside{0};
  pool.for_range(2, 1, [&](int64_t, int64_t) {
    const int now = ++inside;
    int seen = max_inside.load();
    while (now > seen && !max_inside.compare_exchange_weak(seen, now)) {
    }
    // Wait (bounded) for the other chunk to start, proving two threads ran.
    for (int spin = 0; spin < 100'000'000 && max_inside.load() < 2; ++spin) {
    }
    --inside;
  });
  CHECK(max_inside.load() == 2);
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// The state letter of each thread but the caller: R running, S sleeping, ...
std::string other_thread_states() {
  const std::string self = std::to_string(gettid());
  std::string states;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    if (task.path().filename() == self) continue;
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    // "tid (name) S ...": the state follows the last ')'.
    states += line.substr(line.rfind(')') + 2, 1);
  }
  return states;
}

TEST_CASE("thread pool: idle after a job, workers sleep and use no CPU") {
  ThreadPool pool(2);
  std::atomic<int64_t> total{0};
  for (int job = 0; job < 100; ++job)
    pool.for_range(2, 1, [&](int64_t begin, int64_t end) { total += end - begin; });
  // Past the bounded spin, every worker is blocked on the condition variable.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double before = process_cpu_seconds();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const double used = process_cpu_seconds() - before;
  CAPTURE(used);
  CHECK(used < 0.01);
  const std::string states = other_thread_states();
  CAPTURE(states);
  CHECK(!states.empty());  // the worker (sanitizers may add their own threads)
  CHECK(states.find_first_not_of('S') == std::string::npos);
}

}  // namespace
}  // namespace minirt
