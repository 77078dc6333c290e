#include "ops/ref/activation.h"
#include "ops/ref/dot.h"
#include "ops/ref/grain.h"
#include "ops/ref/kernels.h"

namespace minirt::ref {

void pooler(const PoolerArgs& args, Parallel& parallel) {
  const int64_t size = args.hidden_size;
  parallel.for_range(args.batch * size, grain_for(size), [&](int64_t begin, int64_t end) {
    for (int64_t index = begin; index < end; ++index) {
      const int64_t b = index / size, col = index % size;
      const int64_t first_row = args.cu_seqlens ? args.cu_seqlens[b] : b * args.seq;
      const float* first_token = args.hidden + first_row * size;  // [CLS]
      const float value = dot(first_token, args.weight + col * size, size) + args.bias[col];
      args.dst[index] = apply_activation(Activation::kTanh, value);
    }
  });
}

}  // namespace minirt::ref
