// The public Precision on the CPU: its MatMul arithmetic, its name, and
// whether this CPU has kernels for it.
#include <string>

#include "ops/cpu/cpu_isa.h"
#include "ops/cpu/jit/matmul_kernel.h"
#include "runtime/cpu/cpu_backend.h"

namespace minirt {

MatMulPrecision matmul_precision(Precision precision) {
  switch (precision) {
    case Precision::kBFloat16:
      return MatMulPrecision::kBFloat16;
    case Precision::kInt8:
      return MatMulPrecision::kInt8;
    case Precision::kFloat32:
      break;
  }
  return MatMulPrecision::kFloat32;
}

const char* precision_name(Precision precision) {
  return matmul_precision_name(matmul_precision(precision));
}

bool precision_from_name(const std::string& name, Precision* precision) {
  for (Precision candidate : {Precision::kFloat32, Precision::kBFloat16, Precision::kInt8}) {
    if (name == precision_name(candidate)) {
      *precision = candidate;
      return true;
    }
  }
  return false;
}

bool precision_supported(Precision precision) {
  if (precision == Precision::kFloat32) return true;  // the reference kernels at worst
  return cpu_isa_in_use() >= jit::matmul_precision_isa(matmul_precision(precision));
}

}  // namespace minirt
