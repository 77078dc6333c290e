// numpy MatMul and ONNX Gemm on f32, accumulating in double like ref::dot.
#include "ops/ref/grain.h"
#include "ops/ref/matmul_batches.h"

namespace minirt::ref {

void batched_matmul(const BatchedMatMulArgs& args, Parallel& parallel) {
  const MatMulBatches batches(args.a_dims, args.b_dims);
  const int64_t m = batches.m, k = batches.k, n = batches.n;
  parallel.for_range(batches.count() * m, grain_for(k * n), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      const int64_t index = row / m, i = row % m;
      const float* a_row = args.a + batches.a_offset(index) + i * k;
      const float* b_mat = args.b + batches.b_offset(index);
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
