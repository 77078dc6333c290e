// Element-wise generic ops with numpy broadcasting. Each element is computed
// in its own type (float math on f32, exact integer math on the integer
// types), so results match ONNX's float32 and integer semantics.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <stdexcept>

#include "ops/ref/activation.h"
#include "ops/ref/dispatch.h"
#include "ops/ref/grain.h"
#include "ops/ref/saturate.h"
#include "ops/ref/strided_index.h"

namespace minirt::ref {
namespace {

// op(a, b), integers wrapping in two's complement (computed unsigned, so no
// signed overflow).
template <typename T, typename Op>
T wrapping(T a, T b, Op op) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(op(static_cast<U>(a), static_cast<U>(b)));
  } else {
    return op(a, b);
  }
}

template <typename T>
T arithmetic(ElementwiseFn fn, T a, T b) {
  switch (fn) {
    case ElementwiseFn::kAdd:
      return wrapping(a, b, std::plus<>());
    case ElementwiseFn::kSub:
      return wrapping(a, b, std::minus<>());
    case ElementwiseFn::kMul:
      return wrapping(a, b, std::multiplies<>());
    case ElementwiseFn::kDiv:
      if constexpr (std::is_integral_v<T>) {
        if (b == 0) return 0;  // undefined in ONNX; never a crash here
        if (std::is_signed_v<T> && b == T(-1)) return wrapping(T(0), a, std::minus<>());
      }
      return a / b;
    case ElementwiseFn::kPow:
      return saturate_to<T>(std::pow(a, b));
    case ElementwiseFn::kMax:
      return std::max(a, b);
    case ElementwiseFn::kMin:
      return std::min(a, b);
    case ElementwiseFn::kEqual:
      return a == b;
    case ElementwiseFn::kGreater:
      return a > b;
    case ElementwiseFn::kGreaterOrEqual:
      return a >= b;
    case ElementwiseFn::kLess:
      return a < b;
    case ElementwiseFn::kLessOrEqual:
      return a <= b;
    case ElementwiseFn::kAnd:
      return a != 0 && b != 0;
    case ElementwiseFn::kOr:
      return a != 0 || b != 0;
    default:
      throw std::logic_error("not a binary element-wise fn");
  }
}

float unary_float(ElementwiseFn fn, float x) {
  switch (fn) {
    case ElementwiseFn::kNeg:
      return -x;
    case ElementwiseFn::kSqrt:
      return std::sqrt(x);
    case ElementwiseFn::kExp:
      return std::exp(x);
    case ElementwiseFn::kErf:
      return std::erf(x);
    case ElementwiseFn::kTanh:
      return std::tanh(x);
    case ElementwiseFn::kGeluErf:
      return apply_activation(Activation::kGeluErf, x);
    case ElementwiseFn::kGeluTanh:
      return apply_activation(Activation::kGeluTanh, x);
    default:
      throw std::logic_error("not a unary f32 element-wise fn");
  }
}

template <typename T>
T unary(ElementwiseFn fn, T x) {
  if constexpr (std::is_same_v<T, float>) {
    return unary_float(fn, x);
  } else {
    // Not on u8, Neg on signed ints (wrapping: the lowest value stays itself).
    return fn == ElementwiseFn::kNot ? T(x == 0) : wrapping(T(0), x, std::minus<>());
  }
}

template <typename To, typename From>
To cast(From x) {
  if constexpr (std::is_same_v<To, uint8_t> && !std::is_same_v<From, uint8_t>) {
    return x != 0;
  } else if constexpr (std::is_floating_point_v<From>) {
    return saturate_to<To>(x);
  } else {
    return static_cast<To>(x);
  }
}

template <typename T>
T load(const TensorArg& t, int64_t i) {
  return static_cast<const T*>(t.data)[i];
}

// Runs body(dst_index, offsets) over every destination element, in chunks.
template <typename Body>
void for_each_element(const ElementwiseArgs& args, int inputs, Parallel& parallel, Body&& body) {
  std::array<Strides, 3> strides{};
  for (int i = 0; i < inputs; ++i) strides[i] = broadcast_strides(args.src[i].dims, args.dst_dims);
  parallel.for_range(args.dst_dims.count(), grain_for(16), [&](int64_t begin, int64_t end) {
    std::array<int64_t, 3> offsets{};
    for (int64_t e = begin; e < end; ++e) {
      for (int i = 0; i < inputs; ++i) offsets[i] = strided_offset(args.dst_dims, strides[i], e);
      body(e, offsets);
    }
  });
}

}  // namespace

int elementwise_arity(ElementwiseFn fn) {
  if (fn == ElementwiseFn::kWhere) return 3;
  if (fn == ElementwiseFn::kNot || fn >= ElementwiseFn::kNeg) return 1;
  return 2;
}

void elementwise(const ElementwiseArgs& a, Parallel& parallel) {
  const int inputs = elementwise_arity(a.fn);
  if (a.fn == ElementwiseFn::kCast) {
    return dispatch(a.src[0].type, [&]<typename From>() {
      dispatch(a.dst_type, [&]<typename To>() {
        for_each_element(a, 1, parallel, [&](int64_t e, const auto& off) {
          static_cast<To*>(a.dst)[e] = cast<To>(load<From>(a.src[0], off[0]));
        });
      });
    });
  }
  if (a.fn == ElementwiseFn::kWhere) {
    return dispatch(a.dst_type, [&]<typename T>() {
      for_each_element(a, 3, parallel, [&](int64_t e, const auto& off) {
        static_cast<T*>(a.dst)[e] = load<uint8_t>(a.src[0], off[0]) != 0
                                        ? load<T>(a.src[1], off[1])
                                        : load<T>(a.src[2], off[2]);
      });
    });
  }
  dispatch(a.src[0].type, [&]<typename T>() {
    if (inputs == 1) {
      for_each_element(a, 1, parallel, [&](int64_t e, const auto& off) {
        static_cast<T*>(a.dst)[e] = unary(a.fn, load<T>(a.src[0], off[0]));
      });
      return;
    }
    dispatch(a.dst_type, [&]<typename Out>() {
      for_each_element(a, 2, parallel, [&](int64_t e, const auto& off) {
        static_cast<Out*>(a.dst)[e] = static_cast<Out>(
            arithmetic(a.fn, load<T>(a.src[0], off[0]), load<T>(a.src[1], off[1])));
      });
    });
  });
}

}  // namespace minirt::ref
