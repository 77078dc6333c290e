#include "runtime/plan/arena_planner.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

namespace minirt {
namespace {

// The most bytes (with padding and alignment) alive at any one op: no plan
// can be smaller.
size_t peak_live_bytes(const std::vector<ArenaBuffer>& buffers, int32_t num_ops) {
  size_t peak = 0;
  for (int32_t op = 0; op < num_ops; ++op) {
    size_t live = 0;
    for (const ArenaBuffer& b : buffers)
      if (b.first_op <= op && op <= b.last_op)
        live += (b.bytes + kArenaPadding + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
    peak = std::max(peak, live);
  }
  return peak;
}

TEST_CASE("arena planner: a chain reuses memory") {
  // a -> b -> c -> d: a and c can share, b and d can share.
  const std::vector<ArenaBuffer> chain = {{1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}, {1000, 3, 4}};
  const ArenaPlan plan = plan_arena(chain);
  CHECK_FALSE(plan.any_overlap());
  CHECK(plan.total_bytes == peak_live_bytes(chain, 5));
  for (size_t offset : plan.offsets) CHECK(offset % kArenaAlignment == 0);
}

TEST_CASE("arena planner: random lifetimes never overlap while alive") {
  std::random_device device;
  const unsigned seed = device();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  for (int trial = 0; trial < 300; ++trial) {
    const int32_t num_ops = std::uniform_int_distribution<int32_t>(1, 40)(rng);
    const int count = std::uniform_int_distribution<int>(1, 60)(rng);
    std::vector<ArenaBuffer> buffers;
    for (int i = 0; i < count; ++i) {
      const int32_t first = std::uniform_int_distribution<int32_t>(0, num_ops - 1)(rng);
      const int32_t last = std::uniform_int_distribution<int32_t>(first, num_ops - 1)(rng);
      const size_t bytes = std::uniform_int_distribution<size_t>(0, 1 << 16)(rng);
      buffers.push_back({bytes, first, last});
    }
    const ArenaPlan plan = plan_arena(buffers);
    REQUIRE_FALSE(plan.any_overlap());
    CHECK(plan.total_bytes >= peak_live_bytes(buffers, num_ops));
    size_t sum = 0;
    for (size_t i = 0; i < buffers.size(); ++i) {
      CHECK(plan.offsets[i] % kArenaAlignment == 0);
      CHECK(plan.offsets[i] + buffers[i].bytes + kArenaPadding <= plan.total_bytes);
      sum += (buffers[i].bytes + kArenaPadding + kArenaAlignment - 1) / kArenaAlignment *
             kArenaAlignment;
    }
    CHECK(plan.total_bytes <= sum);
  }
}

TEST_CASE("arena planner: overlap check catches a bad plan") {
  ArenaPlan plan = plan_arena({{256, 0, 2}, {256, 1, 3}});
  REQUIRE_FALSE(plan.any_overlap());
  plan.offsets[1] = plan.offsets[0] + 64;
  CHECK(plan.any_overlap());
}

TEST_CASE("arena planner: dump names every buffer") {
  const ArenaPlan plan = plan_arena({{100, 0, 0}, {200, 0, 1}});
  const std::string dump = plan.dump();
  CHECK(dump.find("buffer   0") != std::string::npos);
  CHECK(dump.find("buffer   1") != std::string::npos);
  CHECK(dump.find("total " + std::to_string(plan.total_bytes)) != std::string::npos);
}

}  // namespace
}  // namespace minirt
