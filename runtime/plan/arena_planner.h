// Arena planning: every intermediate tensor gets an offset in one buffer so
// that tensors alive at the same time never overlap.
//
// Greedy best fit (as in tflite-micro's greedy planner): buffers are placed
// largest first; each goes into the smallest gap, among the buffers already
// placed whose lifetimes overlap its own, that holds it, or above them all.
//
// Over-read contract: each buffer is followed by kArenaPadding bytes that a
// kernel may read (vector tails) but never write.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace minirt {

inline constexpr size_t kArenaAlignment = 64;
inline constexpr size_t kArenaPadding = 64;

struct ArenaBuffer {
  size_t bytes = 0;
  int32_t first_op = 0;  // op that writes it
  int32_t last_op = 0;   // last op that reads it (inclusive)
};

struct ArenaPlan {
  std::vector<ArenaBuffer> buffers;
  std::vector<size_t> offsets;  // parallel to buffers
  size_t total_bytes = 0;

  // True when two buffers alive at the same op share a byte (padding counted).
  bool any_overlap() const;
  // One line per buffer: index, lifetime, offset, size.
  std::string dump() const;
};

ArenaPlan plan_arena(const std::vector<ArenaBuffer>& buffers);

}  // namespace minirt
