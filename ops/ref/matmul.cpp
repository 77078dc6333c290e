#include "ops/ref/activation.h"
#include "ops/ref/dot.h"
#include "ops/ref/grain.h"
#include "ops/ref/kernels.h"

namespace minirt::ref {

void matmul(const MatMulArgs& args, Parallel& parallel) {
  const int64_t n = args.n, k = args.k;
  // Split over output elements rather than rows: large m splits by rows, and a
  // small m (the pooler, batch-1 requests) still spreads its columns over threads.
  parallel.for_range(args.m * n, grain_for(k), [&](int64_t begin, int64_t end) {
    for (int64_t index = begin; index < end; ++index) {
      const int64_t row = index / n, col = index % n;
      float value = dot(args.src + row * k, args.weight + col * k, k);
      if (args.bias) value += args.bias[col];
      value = apply_activation(args.activation, value);
      if (args.residual) value += args.residual[index];
      args.dst[index] = value;
    }
  });
}

}  // namespace minirt::ref
