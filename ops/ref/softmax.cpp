// Softmax along one axis, in double, max-subtracted.
#include <cmath>

#include "ops/ref/generic_kernels.h"
#include "ops/ref/grain.h"

namespace minirt::ref {

void softmax(const SoftmaxArgs& args, Parallel& parallel) {
  int64_t outer = 1, inner = 1;
  for (int a = 0; a < args.axis; ++a) outer *= args.dims.d[a];
  for (int a = args.axis + 1; a < args.dims.rank; ++a) inner *= args.dims.d[a];
  const int64_t length = args.dims.d[args.axis];
  // One task per row along the axis: row r starts at (r / inner) * length * inner + r % inner.
  parallel.for_range(outer * inner, grain_for(4 * length), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* src = args.src + r / inner * length * inner + r % inner;
      float* dst = args.dst + (src - args.src);
      double max = -INFINITY, sum = 0.0;
      for (int64_t j = 0; j < length; ++j) max = std::max(max, static_cast<double>(src[j * inner]));
      for (int64_t j = 0; j < length; ++j) sum += std::exp(src[j * inner] - max);
      for (int64_t j = 0; j < length; ++j)
        dst[j * inner] = static_cast<float>(std::exp(src[j * inner] - max) / sum);
    }
  });
}

}  // namespace minirt::ref
