#include "runtime/model/shared_prepared.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace minirt {
namespace {

TEST_CASE("shared prepared: made once per key, shared after") {
  SharedPrepared cache;
  int made = 0;
  auto make = [&] {
    ++made;
    return std::make_shared<const int>(made);
  };
  const auto a = cache.get_or_make<int>(3, 0, make);
  const auto b = cache.get_or_make<int>(3, 0, make);
  CHECK(a.get() == b.get());
  CHECK(made == 1);
  const auto other_op = cache.get_or_make<int>(4, 0, make);
  const auto other_variant = cache.get_or_make<int>(3, 1, make);
  CHECK(made == 3);
  CHECK(other_op.get() != a.get());
  CHECK(other_variant.get() != a.get());
}

TEST_CASE("shared prepared: concurrent first use makes one object") {
  SharedPrepared cache;
  std::atomic<int> made{0};
  std::vector<const int*> seen(8, nullptr);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < seen.size(); ++t) {
    threads.emplace_back([&, t] {
      seen[t] = cache
                    .get_or_make<int>(0, 0,
                                      [&] {
                                        ++made;
                                        return std::make_shared<const int>(7);
                                      })
                    .get();
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(made.load() == 1);
  for (const int* p : seen) CHECK(p == seen[0]);
}

}  // namespace
}  // namespace minirt
