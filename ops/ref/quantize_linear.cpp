// ONNX QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear, element by
// element in float32 as ONNX's reference implementation computes them.
#include <algorithm>
#include <cmath>
#include <limits>

#include "ops/ref/dispatch.h"

namespace minirt::ref {
namespace {

// The channel (index along axis) of every element, or 0 per tensor.
class Channels {
 public:
  Channels(const Dims& dims, int axis, int64_t channels) : channels_(channels) {
    for (int a = axis + 1; a < dims.rank; ++a) inner_ *= dims.d[a];
  }
  int64_t of(int64_t e) const { return channels_ == 1 ? 0 : e / inner_ % channels_; }

 private:
  int64_t channels_, inner_ = 1;
};

template <typename T>
int32_t zero_point_at(const void* zero_point, int64_t channel) {
  return zero_point ? static_cast<const T*>(zero_point)[channel] : 0;
}

// round(x / scale) + zero_point, to nearest even, saturated to T's range.
template <typename T>
T quantize(float x, float scale, int32_t zero_point) {
  const float level = std::nearbyint(x / scale) + static_cast<float>(zero_point);
  if (std::isnan(level)) return static_cast<T>(zero_point);
  return static_cast<T>(std::clamp(level, static_cast<float>(std::numeric_limits<T>::min()),
                                   static_cast<float>(std::numeric_limits<T>::max())));
}

}  // namespace

void quantize_linear(const QuantizeLinearArgs& args) {
  const Channels channels(args.dims, args.axis, args.channels);
  const int64_t count = args.dims.count();
  dispatch(args.dst_type, [&]<typename T>() {
    if constexpr (std::is_same_v<T, int8_t> || std::is_same_v<T, uint8_t>) {
      for (int64_t e = 0; e < count; ++e) {
        const int64_t c = channels.of(e);
        static_cast<T*>(args.dst)[e] =
            quantize<T>(args.src[e], args.scale[c], zero_point_at<T>(args.zero_point, c));
      }
    }
  });
}

void dequantize_linear(const DequantizeLinearArgs& args) {
  const Channels channels(args.dims, args.axis, args.channels);
  const int64_t count = args.dims.count();
  dispatch(args.src_type, [&]<typename T>() {
    if constexpr (std::is_integral_v<T> && sizeof(T) <= 4) {
      for (int64_t e = 0; e < count; ++e) {
        const int64_t c = channels.of(e);
        const float x = static_cast<float>(static_cast<const T*>(args.src)[e]);
        const float zero_point = static_cast<float>(zero_point_at<T>(args.zero_point, c));
        args.dst[e] = (x - zero_point) * args.scale[c];
      }
    }
  });
}

void dynamic_quantize_linear(const DynamicQuantizeLinearArgs& args) {
  float min = 0.0f, max = 0.0f;
  for (int64_t e = 0; e < args.count; ++e) {
    min = std::min(min, args.src[e]);
    max = std::max(max, args.src[e]);
  }
  // As ONNX's reference: an all-zero range keeps scale 1 / 255.
  const float scale = (max == min ? 1.0f : max - min) / 255.0f;
  const float zero_point = std::nearbyint(std::clamp(0.0f - min / scale, 0.0f, 255.0f));
  *args.scale = scale;
  *args.zero_point = static_cast<uint8_t>(zero_point);
  for (int64_t e = 0; e < args.count; ++e)
    args.dst[e] = quantize<uint8_t>(args.src[e], scale, *args.zero_point);
}

}  // namespace minirt::ref
