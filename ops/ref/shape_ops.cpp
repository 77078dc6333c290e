// Generic ops that move elements without arithmetic: Transpose, Slice,
// Concat; Range; and the Dims helpers every generic kernel uses.
#include <cstring>

#include "ops/ref/saturate.h"
#include "ops/ref/strided_index.h"

namespace minirt::ref {

size_t elem_size(ElemType type) {
  switch (type) {
    case ElemType::kF32:
      return 4;
    case ElemType::kI64:
      return 8;
    case ElemType::kU8:
    case ElemType::kI8:
      return 1;
    case ElemType::kI32:
      return 4;
  }
  return 0;
}

int64_t Dims::count() const {
  int64_t n = 1;
  for (int a = 0; a < rank; ++a) n *= d[a];
  return n;
}

Dims make_dims(std::span<const int64_t> dims) {
  Dims out;
  out.rank = static_cast<int>(dims.size());
  for (size_t a = 0; a < dims.size(); ++a) out.d[a] = dims[a];
  return out;
}

namespace {

// dst[e] = src[offset + strided_offset(dst_dims, strides, e)], element by element.
void strided_copy(const void* src, void* dst, const Dims& dst_dims, const Strides& strides,
                  int64_t offset, size_t elem_bytes) {
  const auto* from = static_cast<const uint8_t*>(src);
  auto* to = static_cast<uint8_t*>(dst);
  const int64_t count = dst_dims.count();
  for (int64_t e = 0; e < count; ++e) {
    const int64_t i = offset + strided_offset(dst_dims, strides, e);
    std::memcpy(to + e * elem_bytes, from + i * elem_bytes, elem_bytes);
  }
}

}  // namespace

void transpose(const TransposeArgs& args) {
  const Strides src_strides = strides_of(args.dims);
  Dims dst_dims = args.dims;
  Strides strides{};
  for (int a = 0; a < args.dims.rank; ++a) {
    dst_dims.d[a] = args.dims.d[args.perm[a]];
    strides[a] = src_strides[args.perm[a]];
  }
  strided_copy(args.src, args.dst, dst_dims, strides, 0, args.elem_bytes);
}

void slice(const SliceArgs& args) {
  const Strides src_strides = strides_of(args.src_dims);
  Strides strides{};
  int64_t offset = 0;
  for (int a = 0; a < args.src_dims.rank; ++a) {
    offset += args.starts[a] * src_strides[a];
    // An axis that keeps one element never steps: its step (the file's own
    // number, unbounded then) is not multiplied, which could overflow.
    strides[a] = args.dst_dims.d[a] > 1 ? args.steps[a] * src_strides[a] : 0;
  }
  strided_copy(args.src, args.dst, args.dst_dims, strides, offset, args.elem_bytes);
}

void concat(const ConcatArgs& args) {
  int64_t outer = 1, inner = args.elem_bytes;
  for (int a = 0; a < args.axis; ++a) outer *= args.dst_dims.d[a];
  for (int a = args.axis + 1; a < args.dst_dims.rank; ++a) inner *= args.dst_dims.d[a];
  auto* dst = static_cast<uint8_t*>(args.dst);
  for (int64_t o = 0; o < outer; ++o) {
    for (size_t p = 0; p < args.parts.size(); ++p) {
      const int64_t block = args.part_extents[p] * inner;
      std::memcpy(dst, static_cast<const uint8_t*>(args.parts[p]) + o * block, block);
      dst += block;
    }
  }
}

void range(double start, double delta, int64_t count, ElemType type, void* dst) {
  for (int64_t i = 0; i < count; ++i) {
    const double v = start + static_cast<double>(i) * delta;
    if (type == ElemType::kF32) {
      static_cast<float*>(dst)[i] = static_cast<float>(v);
    } else if (type == ElemType::kI32) {
      static_cast<int32_t*>(dst)[i] = saturate_to<int32_t>(v);
    } else {
      static_cast<int64_t*>(dst)[i] = saturate_to<int64_t>(v);
    }
  }
}

}  // namespace minirt::ref
