// The C++ type of an ElemType, for kernels written once as templates.
#pragma once

#include <cstdint>

#include "ops/ref/generic_kernels.h"

namespace minirt::ref {

// Calls fn.template operator()<T>() with T the C++ type of `type`.
template <typename Fn>
void dispatch(ElemType type, Fn&& fn) {
  switch (type) {
    case ElemType::kF32:
      return fn.template operator()<float>();
    case ElemType::kI64:
      return fn.template operator()<int64_t>();
    case ElemType::kU8:
      return fn.template operator()<uint8_t>();
    case ElemType::kI8:
      return fn.template operator()<int8_t>();
    case ElemType::kI32:
      return fn.template operator()<int32_t>();
  }
}

}  // namespace minirt::ref
