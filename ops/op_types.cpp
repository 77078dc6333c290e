#include "ops/op_types.h"

namespace minirt {

const char* activation_name(Activation act) {
  switch (act) {
    case Activation::kNone:
      return "none";
    case Activation::kGeluErf:
      return "gelu_erf";
    case Activation::kGeluTanh:
      return "gelu_tanh";
    case Activation::kTanh:
      return "tanh";
  }
  return "unknown";
}

const char* matmul_precision_name(MatMulPrecision precision) {
  switch (precision) {
    case MatMulPrecision::kFloat32:
      return "fp32";
    case MatMulPrecision::kBFloat16:
      return "bf16";
    case MatMulPrecision::kInt8:
      return "int8";
  }
  return "unknown";
}

}  // namespace minirt
