#include <string>

#include "runtime/model/model_impl.h"

namespace minirt {

const char* dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kF32: return "f32";
    case DType::kF16: return "f16";
    case DType::kBF16: return "bf16";
    case DType::kI8: return "i8";
    case DType::kU8: return "u8";
    case DType::kI32: return "i32";
    case DType::kI64: return "i64";
  }
  return "?";
}

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kF32: case DType::kI32: return 4;
    case DType::kF16: case DType::kBF16: return 2;
    case DType::kI8: case DType::kU8: return 1;
    case DType::kI64: return 8;
  }
  return 0;
}

const char* op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::kEmbedLayerNorm: return "EmbedLayerNorm";
    case OpKind::kMatMul: return "MatMul";
    case OpKind::kAttention: return "Attention";
    case OpKind::kAddLayerNorm: return "AddLayerNorm";
    case OpKind::kPooler: return "Pooler";
  }
  return "?";
}

std::string SymDim::str() const {
  std::string out;
  if (factor != 1 || (!batch && !seq)) out = std::to_string(factor);
  auto append = [&](const char* symbol) {
    if (!out.empty()) out += '*';
    out += symbol;
  };
  if (batch) append("B");
  if (seq) append("S");
  return out;
}

int64_t ValueInfo::numel(int64_t batch_size, int64_t seq_len) const {
  int64_t n = 1;
  for (const SymDim& dim : shape) n *= dim.eval(batch_size, seq_len);
  return n;
}

std::string ValueInfo::shape_str() const {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) out += ',';
    out += shape[i].str();
  }
  return out + "]";
}

}  // namespace minirt
