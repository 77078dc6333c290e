#include "runtime/plan/arena_planner.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

namespace minirt {
namespace {

size_t align_up(size_t n, size_t alignment) { return (n + alignment - 1) / alignment * alignment; }

size_t footprint(const ArenaBuffer& buffer) {
  return align_up(buffer.bytes + kArenaPadding, kArenaAlignment);
}

bool lifetimes_overlap(const ArenaBuffer& a, const ArenaBuffer& b) {
  return a.first_op <= b.last_op && b.first_op <= a.last_op;
}

}  // namespace

ArenaPlan plan_arena(const std::vector<ArenaBuffer>& buffers) {
  ArenaPlan plan;
  plan.buffers = buffers;
  plan.offsets.assign(buffers.size(), 0);

  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return footprint(buffers[a]) > footprint(buffers[b]);
  });

  std::vector<size_t> placed;
  std::vector<std::pair<size_t, size_t>> busy;  // [offset, end) of overlapping buffers
  for (size_t i : order) {
    const size_t need = footprint(buffers[i]);
    busy.clear();
    for (size_t j : placed) {
      if (lifetimes_overlap(buffers[i], buffers[j]))
        busy.emplace_back(plan.offsets[j], plan.offsets[j] + footprint(buffers[j]));
    }
    std::sort(busy.begin(), busy.end());

    size_t best_offset = 0, best_gap = SIZE_MAX, cursor = 0;
    bool found = false;
    for (const auto& [start, end] : busy) {
      if (start > cursor && start - cursor >= need && start - cursor < best_gap) {
        best_gap = start - cursor;
        best_offset = cursor;
        found = true;
      }
      cursor = std::max(cursor, end);
    }
    plan.offsets[i] = found ? best_offset : cursor;
    plan.total_bytes = std::max(plan.total_bytes, plan.offsets[i] + need);
    placed.push_back(i);
  }
  return plan;
}

bool ArenaPlan::any_overlap() const {
  for (size_t a = 0; a < buffers.size(); ++a) {
    for (size_t b = a + 1; b < buffers.size(); ++b) {
      if (!lifetimes_overlap(buffers[a], buffers[b])) continue;
      const size_t a_end = offsets[a] + footprint(buffers[a]);
      const size_t b_end = offsets[b] + footprint(buffers[b]);
      if (offsets[a] < b_end && offsets[b] < a_end) return true;
    }
  }
  return false;
}

std::string ArenaPlan::dump() const {
  std::string out;
  char line[160];
  for (size_t i = 0; i < buffers.size(); ++i) {
    std::snprintf(line, sizeof line, "buffer %3zu  ops %3d..%-3d  offset %12zu  bytes %12zu\n", i,
                  buffers[i].first_op, buffers[i].last_op, offsets[i], buffers[i].bytes);
    out += line;
  }
  std::snprintf(line, sizeof line, "total %zu bytes\n", total_bytes);
  return out + line;
}

}  // namespace minirt
