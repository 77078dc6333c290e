// Sizes and names of the file's element types: the one table the runtime
// and the converter share.
#pragma once

#include <cstddef>

#include "format/minirt_generated.h"

namespace minirt {

constexpr bool dtype_known(fb::DType dtype) {
  return dtype >= fb::DType::MIN && dtype <= fb::DType::MAX;
}

constexpr size_t dtype_size(fb::DType dtype) {
  switch (dtype) {
    case fb::DType::F32:
    case fb::DType::I32:
      return 4;
    case fb::DType::F16:
    case fb::DType::BF16:
      return 2;
    case fb::DType::I8:
    case fb::DType::U8:
      return 1;
    case fb::DType::I64:
      return 8;
  }
  return 0;
}

constexpr const char* dtype_name(fb::DType dtype) {
  switch (dtype) {
    case fb::DType::F32:
      return "f32";
    case fb::DType::F16:
      return "f16";
    case fb::DType::BF16:
      return "bf16";
    case fb::DType::I8:
      return "i8";
    case fb::DType::U8:
      return "u8";
    case fb::DType::I32:
      return "i32";
    case fb::DType::I64:
      return "i64";
  }
  return "unknown";
}

}  // namespace minirt
