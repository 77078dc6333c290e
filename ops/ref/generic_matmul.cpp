// numpy MatMul and ONNX Gemm on f32, accumulating in double like ref::dot.
#include "ops/ref/grain.h"
#include "ops/ref/strided_index.h"

namespace minirt::ref {
namespace {

// The leading (batch) dims of a matrix operand.
Dims batch_dims(const Dims& dims) {
  Dims batch = dims;
  batch.rank = dims.rank - 2;
  return batch;
}

}  // namespace

void batched_matmul(const BatchedMatMulArgs& args, Parallel& parallel) {
  Dims a = args.a_dims, b = args.b_dims;
  if (a.rank == 1) a = make_dims(std::array<int64_t, 2>{1, a.d[0]});
  if (b.rank == 1) b = make_dims(std::array<int64_t, 2>{b.d[0], 1});
  const int64_t m = a.d[a.rank - 2], k = a.d[a.rank - 1], n = b.d[b.rank - 1];
  const Dims a_batch = batch_dims(a), b_batch = batch_dims(b);
  Dims batch = a_batch.rank >= b_batch.rank ? a_batch : b_batch;
  for (int i = 1; i <= std::min(a_batch.rank, b_batch.rank); ++i)
    batch.d[batch.rank - i] = std::max(a_batch.d[a_batch.rank - i], b_batch.d[b_batch.rank - i]);
  const Strides a_strides = broadcast_strides(a_batch, batch);
  const Strides b_strides = broadcast_strides(b_batch, batch);
  parallel.for_range(batch.count() * m, grain_for(k * n), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t index = row / m, i = row % m;
      const float* a_row = args.a + strided_offset(batch, a_strides, index) * m * k + i * k;
      const float* b_mat = args.b + strided_offset(batch, b_strides, index) * k * n;
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0.0;
        for (int64_t p = 0; p < k; ++p) sum += static_cast<double>(a_row[p]) * b_mat[p * n + j];
        args.dst[row * n + j] = static_cast<float>(sum);
      }
    }
  });
}

void gemm(const GemmArgs& args, Parallel& parallel) {
  const int64_t m = args.m, k = args.k, n = args.n;
  const Dims out = make_dims(std::array<int64_t, 2>{m, n});
  const Strides c_strides = broadcast_strides(args.c_dims, out);
  parallel.for_range(m, grain_for(k * n), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0.0;
        for (int64_t p = 0; p < k; ++p) {
          const float x = args.trans_a ? args.a[p * m + i] : args.a[i * k + p];
          const float y = args.trans_b ? args.b[j * k + p] : args.b[p * n + j];
          sum += static_cast<double>(x) * y;
        }
        double value = args.alpha * sum;
        if (args.c)
          value +=
              static_cast<double>(args.beta) * args.c[strided_offset(out, c_strides, i * n + j)];
        args.dst[i * n + j] = static_cast<float>(value);
      }
    }
  });
}

}  // namespace minirt::ref
