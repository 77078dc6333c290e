// ONNX MatMulInteger: int8/uint8 operands less their zero points, exact i32
// sums, with numpy matmul shapes.
#include "ops/ref/dispatch.h"
#include "ops/ref/grain.h"
#include "ops/ref/matmul_batches.h"

namespace minirt::ref {
namespace {

// Element i of a u8 or i8 array, widened.
int32_t load_int(const void* data, ElemType type, int64_t i) {
  return type == ElemType::kI8 ? static_cast<const int8_t*>(data)[i]
                               : static_cast<const uint8_t*>(data)[i];
}

// The zero point of row or column i: one value, or one per index.
int32_t zero_point(const void* data, ElemType type, int64_t count, int64_t i) {
  return data == nullptr ? 0 : load_int(data, type, count == 1 ? 0 : i);
}

}  // namespace

void matmul_integer(const MatMulIntegerArgs& args, Parallel& parallel) {
  const MatMulBatches batches(args.a_dims, args.b_dims);
  const int64_t m = batches.m, k = batches.k, n = batches.n;
  parallel.for_range(batches.count() * m, grain_for(k * n), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t index = row / m, i = row % m;
      const int64_t a_row = batches.a_offset(index) + i * k, b_mat = batches.b_offset(index);
      const int32_t a_zero = zero_point(args.a_zero_point, args.a_type, args.a_zero_point_count, i);
      for (int64_t j = 0; j < n; ++j) {
        const int32_t b_zero =
            zero_point(args.b_zero_point, args.b_type, args.b_zero_point_count, j);
        int64_t sum = 0;  // wraps to i32 below, as ONNX's int32 arithmetic
        for (int64_t p = 0; p < k; ++p) {
          sum += (load_int(args.a, args.a_type, a_row + p) - a_zero) *
                 (load_int(args.b, args.b_type, b_mat + p * n + j) - b_zero);
        }
        args.dst[row * n + j] = static_cast<int32_t>(sum);
      }
    }
  });
}

}  // namespace minirt::ref
