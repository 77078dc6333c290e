// Element types of IR values. The converter's own list, so an importer can
// grow it (bool masks, f64 constants) for values that passes fold away before
// emit; emit maps it onto minirt.fbs's DType.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "format/minirt_generated.h"

namespace minirt::ir {

// kBool is one byte a value, 0 or 1; minirt.fbs has no bool, so the file
// stores it as U8 (generic ops read a U8 as a bool).
enum class DType : uint8_t { kF32, kF16, kBF16, kI8, kU8, kI32, kI64, kBool };

size_t dtype_size(DType dtype);
std::string_view dtype_name(DType dtype);
// The file's dtype for an IR dtype.
fb::DType to_fb(DType dtype);

}  // namespace minirt::ir
