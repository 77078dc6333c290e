// How many items a parallel chunk should hold so that handing it to a thread
// costs little next to the work in it.
#pragma once

#include <algorithm>
#include <cstdint>

namespace minirt::ref {

// Roughly the multiply-adds worth one task switch.
constexpr int64_t kMinChunkWork = 1 << 14;

inline int64_t grain_for(int64_t work_per_item) {
  return std::max<int64_t>(1, kMinChunkWork / std::max<int64_t>(1, work_per_item));
}

}  // namespace minirt::ref
