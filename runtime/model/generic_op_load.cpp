// The generic ops' params, from the verified file into OpInfo. Values are
// range-checked by check_model, not here.
#include "runtime/model/model_impl.h"

namespace minirt {
namespace {

std::vector<SymDim> sym_dims(const flatbuffers::Vector<const fb::Dim*>* dims, const OpInfo& op) {
  check_element_alignment(dims, "op '" + op.name + "': the dims");
  std::vector<SymDim> out;
  if (dims)
    for (const fb::Dim* d : *dims) out.push_back(sym_dim_from(*d, "op '" + op.name + "'"));
  return out;
}

template <typename T, typename Src>
std::vector<T> list(const flatbuffers::Vector<Src>* values) {
  return values ? std::vector<T>(values->begin(), values->end()) : std::vector<T>{};
}

}  // namespace

bool read_generic_params(const fb::Op& src, OpInfo& op) {
  switch (src.params_type()) {
    case fb::OpParams::Elementwise:
      op.kind = OpKind::Elementwise;
      op.elementwise_fn = static_cast<int>(src.params_as_Elementwise()->fn());
      return true;
    case fb::OpParams::GenericMatMul:
      op.kind = OpKind::GenericMatMul;
      return true;
    case fb::OpParams::Gemm: {
      const fb::Gemm* gemm = src.params_as_Gemm();
      op.kind = OpKind::Gemm;
      op.alpha = gemm->alpha();
      op.beta = gemm->beta();
      op.trans_a = gemm->trans_a();
      op.trans_b = gemm->trans_b();
      return true;
    }
    case fb::OpParams::Softmax:
      op.kind = OpKind::Softmax;
      op.axis = src.params_as_Softmax()->axis();
      return true;
    case fb::OpParams::LayerNormalization:
      op.kind = OpKind::LayerNormalization;
      op.axis = src.params_as_LayerNormalization()->axis();
      op.epsilon = src.params_as_LayerNormalization()->epsilon();
      return true;
    case fb::OpParams::ReduceMean:
      op.kind = OpKind::ReduceMean;
      op.axes = list<int32_t>(src.params_as_ReduceMean()->axes());
      return true;
    case fb::OpParams::Reshape:
      op.kind = OpKind::Reshape;
      return true;
    case fb::OpParams::Transpose:
      op.kind = OpKind::Transpose;
      op.axes = list<int32_t>(src.params_as_Transpose()->perm());
      return true;
    case fb::OpParams::Gather:
      op.kind = OpKind::Gather;
      op.axis = src.params_as_Gather()->axis();
      return true;
    case fb::OpParams::GatherND:
      op.kind = OpKind::GatherND;
      return true;
    case fb::OpParams::Slice:
      op.kind = OpKind::Slice;
      op.dims = sym_dims(src.params_as_Slice()->starts(), op);
      check_element_alignment(src.params_as_Slice()->steps(), "op '" + op.name + "': the steps");
      op.steps = list<int64_t>(src.params_as_Slice()->steps());
      return true;
    case fb::OpParams::Concat:
      op.kind = OpKind::Concat;
      op.axis = src.params_as_Concat()->axis();
      return true;
    case fb::OpParams::Expand:
      op.kind = OpKind::Expand;
      return true;
    case fb::OpParams::Range:
      op.kind = OpKind::Range;
      op.start = src.params_as_Range()->start();
      op.delta = src.params_as_Range()->delta();
      return true;
    case fb::OpParams::DimValues:
      op.kind = OpKind::DimValues;
      op.dims = sym_dims(src.params_as_DimValues()->values(), op);
      return true;
    case fb::OpParams::QuantizeLinear:
      op.kind = OpKind::QuantizeLinear;
      op.axis = src.params_as_QuantizeLinear()->axis();
      return true;
    case fb::OpParams::DequantizeLinear:
      op.kind = OpKind::DequantizeLinear;
      op.axis = src.params_as_DequantizeLinear()->axis();
      return true;
    default:
      return false;
  }
}

}  // namespace minirt
