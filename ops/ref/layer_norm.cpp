// ONNX LayerNormalization over rows, on the row kernel the fused ops use.
#include "ops/ref/generic_kernels.h"
#include "ops/ref/grain.h"
#include "ops/ref/layer_norm_row.h"

namespace minirt::ref {

void layer_normalization(const LayerNormalizationArgs& args, Parallel& parallel) {
  const int64_t cols = args.cols;
  parallel.for_range(args.rows, grain_for(4 * cols), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* x = args.src + r * cols;
      layer_norm_row([x](int64_t i) { return double{x[i]}; }, args.scale, args.bias, cols,
                     args.epsilon, args.dst + r * cols);
    }
  });
}

}  // namespace minirt::ref
