// Gather and GatherND: index data with indices that come from data, so every
// index is checked before it is used.
#include <cstring>

#include "ops/ref/strided_index.h"

namespace minirt::ref {
namespace {

// A possibly negative index into an axis of `extent`; false when out of range.
bool resolve(int64_t& index, int64_t extent) {
  if (index < 0) index += extent;
  return index >= 0 && index < extent;
}

}  // namespace

GatherResult gather(const GatherArgs& args) {
  int64_t outer = 1, inner = args.elem_bytes;
  for (int a = 0; a < args.axis; ++a) outer *= args.data_dims.d[a];
  for (int a = args.axis + 1; a < args.data_dims.rank; ++a) inner *= args.data_dims.d[a];
  const int64_t extent = args.data_dims.d[args.axis];
  const auto* data = static_cast<const uint8_t*>(args.data);
  auto* dst = static_cast<uint8_t*>(args.dst);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k = 0; k < args.index_count; ++k) {
      int64_t index = args.indices[k];
      if (!resolve(index, extent)) return {false, args.indices[k]};
      std::memcpy(dst, data + (o * extent + index) * inner, inner);
      dst += inner;
    }
  }
  return {};
}

GatherResult gather_nd(const GatherNdArgs& args) {
  const int k = static_cast<int>(args.indices_dims.d[args.indices_dims.rank - 1]);
  const Strides strides = strides_of(args.data_dims);
  int64_t slice_bytes = args.elem_bytes;
  for (int a = k; a < args.data_dims.rank; ++a) slice_bytes *= args.data_dims.d[a];
  const int64_t tuples = args.indices_dims.count() / std::max(k, 1);
  const auto* data = static_cast<const uint8_t*>(args.data);
  auto* dst = static_cast<uint8_t*>(args.dst);
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t offset = 0;
    for (int j = 0; j < k; ++j) {
      int64_t index = args.indices[t * k + j];
      if (!resolve(index, args.data_dims.d[j])) return {false, args.indices[t * k + j]};
      offset += index * strides[j];
    }
    std::memcpy(dst + t * slice_bytes, data + offset * args.elem_bytes, slice_bytes);
  }
  return {};
}

}  // namespace minirt::ref
