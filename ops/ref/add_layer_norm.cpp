#include "ops/ref/grain.h"
#include "ops/ref/kernels.h"
#include "ops/ref/layer_norm_row.h"

namespace minirt::ref {

void add_layer_norm(const AddLayerNormArgs& args, Parallel& parallel) {
  const int64_t hidden = args.hidden;
  parallel.for_range(args.rows, grain_for(4 * hidden), [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      const float* src = args.src + r * hidden;
      const float* residual = args.residual + r * hidden;
      auto input = [&](int64_t i) { return double{src[i]} + residual[i]; };
      layer_norm_row(input, args.gamma, args.beta, hidden, args.epsilon, args.dst + r * hidden);
    }
  });
}

}  // namespace minirt::ref
