// The generic ops' params, from the verified file into OpInfo. Values are
// range-checked by check_model, not here.
#include "runtime/model/model_impl.h"

namespace minirt {
namespace {

SymDim sym_dim(const fb::Dim& dim) {
  return SymDim{dim.factor(), (dim.symbols() & fb::DimSymbol::BATCH) == fb::DimSymbol::BATCH,
                (dim.symbols() & fb::DimSymbol::SEQ) == fb::DimSymbol::SEQ};
}

std::vector<SymDim> sym_dims(const flatbuffers::Vector<const fb::Dim*>* dims) {
  std::vector<SymDim> out;
  if (dims)
    for (const fb::Dim* d : *dims) out.push_back(sym_dim(*d));
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
      op.kind = OpKind::kElementwise;
      op.elementwise_fn = static_cast<int>(src.params_as_Elementwise()->fn());
      return true;
    case fb::OpParams::GenericMatMul:
      op.kind = OpKind::kGenericMatMul;
      return true;
    case fb::OpParams::Gemm: {
      const fb::Gemm* gemm = src.params_as_Gemm();
      op.kind = OpKind::kGemm;
      op.alpha = gemm->alpha();
      op.beta = gemm->beta();
      op.trans_a = gemm->trans_a();
      op.trans_b = gemm->trans_b();
      return true;
    }
    case fb::OpParams::Softmax:
      op.kind = OpKind::kSoftmax;
      op.axis = src.params_as_Softmax()->axis();
      return true;
    case fb::OpParams::LayerNormalization:
      op.kind = OpKind::kLayerNormalization;
      op.axis = src.params_as_LayerNormalization()->axis();
      op.epsilon = src.params_as_LayerNormalization()->epsilon();
      return true;
    case fb::OpParams::ReduceMean:
      op.kind = OpKind::kReduceMean;
      op.axes = list<int32_t>(src.params_as_ReduceMean()->axes());
      return true;
    case fb::OpParams::Reshape:
      op.kind = OpKind::kReshape;
      return true;
    case fb::OpParams::Transpose:
      op.kind = OpKind::kTranspose;
      op.axes = list<int32_t>(src.params_as_Transpose()->perm());
      return true;
    case fb::OpParams::Gather:
      op.kind = OpKind::kGather;
      op.axis = src.params_as_Gather()->axis();
      return true;
    case fb::OpParams::GatherND:
      op.kind = OpKind::kGatherND;
      return true;
    case fb::OpParams::Slice:
      op.kind = OpKind::kSlice;
      op.dims = sym_dims(src.params_as_Slice()->starts());
      op.steps = list<int64_t>(src.params_as_Slice()->steps());
      return true;
    case fb::OpParams::Concat:
      op.kind = OpKind::kConcat;
      op.axis = src.params_as_Concat()->axis();
      return true;
    case fb::OpParams::Expand:
      op.kind = OpKind::kExpand;
      return true;
    case fb::OpParams::Range:
      op.kind = OpKind::kRange;
      op.start = src.params_as_Range()->start();
      op.delta = src.params_as_Range()->delta();
      return true;
    case fb::OpParams::DimValues:
      op.kind = OpKind::kDimValues;
      op.dims = sym_dims(src.params_as_DimValues()->values());
      return true;
    default:
      return false;
  }
}

}  // namespace minirt
