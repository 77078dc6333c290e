// numpy matmul shapes, shared by the f32 and the integer MatMul: 1-D
// operands promoted, batch dims broadcast, and each batch's operand offsets.
#pragma once

#include <algorithm>
#include <array>

#include "ops/ref/strided_index.h"

namespace minirt::ref {

class MatMulBatches {
 public:
  MatMulBatches(Dims a, Dims b) {
    if (a.rank == 1) a = make_dims(std::array<int64_t, 2>{1, a.d[0]});
    if (b.rank == 1) b = make_dims(std::array<int64_t, 2>{b.d[0], 1});
    m = a.d[a.rank - 2], k = a.d[a.rank - 1], n = b.d[b.rank - 1];
    const Dims a_batch = leading(a), b_batch = leading(b);
    batch_ = a_batch.rank >= b_batch.rank ? a_batch : b_batch;
    for (int i = 1; i <= std::min(a_batch.rank, b_batch.rank); ++i)
      batch_.d[batch_.rank - i] =
          std::max(a_batch.d[a_batch.rank - i], b_batch.d[b_batch.rank - i]);
    a_strides_ = broadcast_strides(a_batch, batch_);
    b_strides_ = broadcast_strides(b_batch, batch_);
  }

  int64_t count() const { return batch_.count(); }
  // Element offsets of batch `index`'s [m,k] matrix in a and [k,n] matrix in b.
  int64_t a_offset(int64_t index) const {
    return strided_offset(batch_, a_strides_, index) * m * k;
  }
  int64_t b_offset(int64_t index) const {
    return strided_offset(batch_, b_strides_, index) * k * n;
  }

  int64_t m = 0, k = 0, n = 0;

 private:
  static Dims leading(const Dims& dims) {
    Dims batch = dims;
    batch.rank = dims.rank - 2;
    return batch;
  }

  Dims batch_;
  Strides a_strides_{}, b_strides_{};
};

}  // namespace minirt::ref
