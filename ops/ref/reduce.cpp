// ReduceMean over any set of axes, in double.
#include "ops/ref/grain.h"
#include "ops/ref/strided_index.h"

namespace minirt::ref {

void reduce_mean(const ReduceMeanArgs& args, Parallel& parallel) {
  // Split src dims into the kept ones (the output) and the reduced ones, each
  // with src's strides, so both loops are plain strided walks.
  Dims kept, reduced;
  Strides kept_strides{}, reduced_strides{};
  const Strides src_strides = strides_of(args.dims);
  for (int a = 0; a < args.dims.rank; ++a) {
    Dims& part = args.reduced[a] ? reduced : kept;
    Strides& strides = args.reduced[a] ? reduced_strides : kept_strides;
    strides[part.rank] = src_strides[a];
    part.d[part.rank++] = args.dims.d[a];
  }
  const int64_t length = reduced.count();
  parallel.for_range(kept.count(), grain_for(length), [&](int64_t begin, int64_t end) {
    for (int64_t o = begin; o < end; ++o) {
      const float* base = args.src + strided_offset(kept, kept_strides, o);
      double sum = 0.0;
      for (int64_t j = 0; j < length; ++j) sum += base[strided_offset(reduced, reduced_strides, j)];
      args.dst[o] = static_cast<float>(sum / static_cast<double>(length));
    }
  });
}

}  // namespace minirt::ref
