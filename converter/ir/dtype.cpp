#include "converter/ir/dtype.h"

#include <stdexcept>

#include "format/dtype_info.h"

namespace minirt::ir {

fb::DType to_fb(DType dtype) {
  switch (dtype) {
    case DType::kF32:
      return fb::DType::F32;
    case DType::kF16:
      return fb::DType::F16;
    case DType::kBF16:
      return fb::DType::BF16;
    case DType::kI8:
      return fb::DType::I8;
    case DType::kU8:
      return fb::DType::U8;
    case DType::kI32:
      return fb::DType::I32;
    case DType::kI64:
      return fb::DType::I64;
    case DType::kBool:
      return fb::DType::U8;
  }
  throw std::logic_error("unknown IR dtype");
}

size_t dtype_size(DType dtype) {
  return dtype == DType::kBool ? 1 : minirt::dtype_size(to_fb(dtype));
}

std::string_view dtype_name(DType dtype) {
  return dtype == DType::kBool ? "bool" : minirt::dtype_name(to_fb(dtype));
}

}  // namespace minirt::ir
