// Index arithmetic the generic kernels share: row-major strides, numpy
// broadcast strides, and the source offset of a destination element.
#pragma once

#include <array>
#include <cstdint>

#include "ops/ref/generic_kernels.h"

namespace minirt::ref {

using Strides = std::array<int64_t, kMaxDims>;

inline Strides strides_of(const Dims& dims) {
  Strides s{};
  int64_t step = 1;
  for (int a = dims.rank - 1; a >= 0; --a) {
    s[a] = step;
    step *= dims.d[a];
  }
  return s;
}

// Strides of `src` read as a tensor of `dst` dims: right-aligned, 0 along
// axes src lacks or holds as 1.
inline Strides broadcast_strides(const Dims& src, const Dims& dst) {
  const Strides own = strides_of(src);
  Strides s{};
  const int offset = dst.rank - src.rank;
  for (int a = 0; a < src.rank; ++a) s[a + offset] = src.d[a] == 1 ? 0 : own[a];
  return s;
}

// Offset of destination element `flat` (row-major over dims) in a tensor read
// with `strides`.
inline int64_t strided_offset(const Dims& dims, const Strides& strides, int64_t flat) {
  int64_t offset = 0;
  for (int a = dims.rank - 1; a >= 0; --a) {
    offset += flat % dims.d[a] * strides[a];
    flat /= dims.d[a];
  }
  return offset;
}

}  // namespace minirt::ref
