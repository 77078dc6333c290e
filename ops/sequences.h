// The packed sequences of a padding-free (ragged) batch, as kernels walk
// them: sequence b holds rows [cu_seqlens[b], cu_seqlens[b + 1]) of every
// per-token tensor, and its positions restart at 0.
#pragma once

#include <algorithm>
#include <cstdint>

namespace minirt {

// The sequence holding `token` (0 <= token < cu_seqlens[count]): a binary
// search, done once per chunk of rows; kernels then step forward.
inline int64_t sequence_of(const int32_t* cu_seqlens, int64_t count, int64_t token) {
  return std::upper_bound(cu_seqlens + 1, cu_seqlens + count + 1, token) - (cu_seqlens + 1);
}

// A token's position inside its sequence, for rows walked in order from
// `first`: keeps the current sequence so each step is O(1). cu_seqlens may be
// nullptr (a padded run) when position() is never called.
class PositionCursor {
 public:
  PositionCursor(const int32_t* cu_seqlens, int64_t count, int64_t first)
      : cu_(cu_seqlens), b_(cu_seqlens ? sequence_of(cu_seqlens, count, first) : 0) {}
  int64_t position(int64_t token) {
    while (token >= cu_[b_ + 1]) ++b_;
    return token - cu_[b_];
  }

 private:
  const int32_t* cu_;
  int64_t b_;
};

}  // namespace minirt
