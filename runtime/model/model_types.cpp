#include <string>

#include "runtime/model/model_impl.h"

namespace minirt {

const char* op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::kEmbedLayerNorm:
      return "EmbedLayerNorm";
    case OpKind::kMatMul:
      return "MatMul";
    case OpKind::kAttention:
      return "Attention";
    case OpKind::kAddLayerNorm:
      return "AddLayerNorm";
    case OpKind::kPooler:
      return "Pooler";
    case OpKind::kElementwise:
      return "Elementwise";
    case OpKind::kGenericMatMul:
      return "GenericMatMul";
    case OpKind::kGemm:
      return "Gemm";
    case OpKind::kSoftmax:
      return "Softmax";
    case OpKind::kLayerNormalization:
      return "LayerNormalization";
    case OpKind::kReduceMean:
      return "ReduceMean";
    case OpKind::kReshape:
      return "Reshape";
    case OpKind::kTranspose:
      return "Transpose";
    case OpKind::kGather:
      return "Gather";
    case OpKind::kGatherND:
      return "GatherND";
    case OpKind::kSlice:
      return "Slice";
    case OpKind::kConcat:
      return "Concat";
    case OpKind::kExpand:
      return "Expand";
    case OpKind::kRange:
      return "Range";
    case OpKind::kDimValues:
      return "DimValues";
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
