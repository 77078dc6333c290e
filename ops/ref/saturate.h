// A double as an element of type T. Float types take it as it is; integer
// types get it truncated toward zero and saturated to their range, NaN as 0:
// a plain cast of a NaN or an out-of-range value is undefined behaviour, and
// the values come from model files (ONNX leaves these casts undefined too).
#pragma once

#include <cmath>
#include <limits>
#include <type_traits>

namespace minirt::ref {

template <typename T>
T saturate_to(double v) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(v);
  } else {
    if (std::isnan(v)) return T(0);
    // Both bounds as doubles: the highest int64 rounds up to 2^63, so the
    // upper test is >=, which keeps every cast below in range.
    constexpr double lowest = static_cast<double>(std::numeric_limits<T>::lowest());
    constexpr double past_max = static_cast<double>(std::numeric_limits<T>::max()) + 1.0;
    if (v <= lowest) return std::numeric_limits<T>::lowest();
    if (v >= past_max) return std::numeric_limits<T>::max();
    return static_cast<T>(v);
  }
}

}  // namespace minirt::ref
