// What the generic ops' CPU glue shares: a value's dims evaluated for a
// request, and its element type as the generic kernels name it.
#pragma once

#include "ops/ref/generic_kernels.h"
#include "runtime/model/model_impl.h"

namespace minirt {

inline ref::Dims eval_dims(const ValueInfo& value, const RunShape& run) {
  ref::Dims dims;
  dims.rank = static_cast<int>(value.shape.size());
  for (size_t a = 0; a < value.shape.size(); ++a) dims.d[a] = value.shape[a].eval(run);
  return dims;
}

// check_model admits only these three dtypes for generic ops.
inline ref::ElemType elem_type(DType dtype) {
  return dtype == DType::F32   ? ref::ElemType::kF32
         : dtype == DType::I64 ? ref::ElemType::kI64
                               : ref::ElemType::kU8;
}

}  // namespace minirt
