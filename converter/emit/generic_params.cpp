#include "converter/emit/generic_params.h"

#include <stdexcept>
#include <string>

#include "converter/ir/op_types.h"

namespace minirt::converter {
namespace {

fb::ElementwiseFn elementwise_fn(const std::string& name) {
  for (auto fn : fb::EnumValuesElementwiseFn()) {
    if (name == fb::EnumNameElementwiseFn(fn)) return fn;
  }
  throw std::logic_error("unknown element-wise fn " + name);  // validate_graph rejects it first
}

std::vector<int32_t> int32s(const std::vector<int64_t>& values) {
  return {values.begin(), values.end()};
}

int32_t int32_attr(const ir::Op& op, const char* name) {
  return static_cast<int32_t>(op.attrs.get_int(name));
}

// Dims from an attribute pair: factors and symbol bits (1 batch, 2 seq).
std::vector<fb::Dim> dims_attr(const ir::Op& op, const char* factors_attr,
                               const char* symbols_attr) {
  const std::vector<int64_t>& factors = op.attrs.get_ints(factors_attr);
  const std::vector<int64_t>& symbols = op.attrs.get_ints(symbols_attr);
  std::vector<fb::Dim> dims;
  for (size_t a = 0; a < factors.size(); ++a) {
    auto flags = fb::DimSymbol::NONE;
    if (symbols[a] & 1) flags |= fb::DimSymbol::BATCH;
    if (symbols[a] & 2) flags |= fb::DimSymbol::SEQ;
    dims.emplace_back(factors[a], flags);
  }
  return dims;
}

flatbuffers::Offset<void> slice_params(flatbuffers::FlatBufferBuilder& b, const ir::Op& op) {
  const auto starts = b.CreateVectorOfStructs(dims_attr(op, "starts", "start_symbols"));
  return fb::CreateSlice(b, starts, b.CreateVector(op.attrs.get_ints("steps"))).Union();
}

}  // namespace

std::pair<fb::OpParams, flatbuffers::Offset<void>> build_generic_params(
    flatbuffers::FlatBufferBuilder& b, const ir::Op& op) {
  const ir::Attributes& a = op.attrs;
  const std::string& t = op.type;
  namespace type = ir::op_type;
  if (t == type::kElementwise)
    return {fb::OpParams::Elementwise,
            fb::CreateElementwise(b, elementwise_fn(a.get_string("fn"))).Union()};
  if (t == type::kGenericMatMul)
    return {fb::OpParams::GenericMatMul, fb::CreateGenericMatMul(b).Union()};
  if (t == type::kGemm)
    return {fb::OpParams::Gemm, fb::CreateGemm(b, a.get_float("alpha"), a.get_float("beta"),
                                               a.get_int("trans_a") != 0, a.get_int("trans_b") != 0)
                                    .Union()};
  if (t == type::kSoftmax)
    return {fb::OpParams::Softmax, fb::CreateSoftmax(b, int32_attr(op, "axis")).Union()};
  if (t == type::kLayerNormalization)
    return {
        fb::OpParams::LayerNormalization,
        fb::CreateLayerNormalization(b, int32_attr(op, "axis"), a.get_float("epsilon")).Union()};
  if (t == type::kReduceMean)
    return {fb::OpParams::ReduceMean,
            fb::CreateReduceMean(b, b.CreateVector(int32s(a.get_ints("axes")))).Union()};
  if (t == type::kReshape) return {fb::OpParams::Reshape, fb::CreateReshape(b).Union()};
  if (t == type::kTranspose)
    return {fb::OpParams::Transpose,
            fb::CreateTranspose(b, b.CreateVector(int32s(a.get_ints("perm")))).Union()};
  if (t == type::kGather)
    return {fb::OpParams::Gather, fb::CreateGather(b, int32_attr(op, "axis")).Union()};
  if (t == type::kGatherND) return {fb::OpParams::GatherND, fb::CreateGatherND(b).Union()};
  if (t == type::kSlice) return {fb::OpParams::Slice, slice_params(b, op)};
  if (t == type::kConcat)
    return {fb::OpParams::Concat, fb::CreateConcat(b, int32_attr(op, "axis")).Union()};
  if (t == type::kExpand) return {fb::OpParams::Expand, fb::CreateExpand(b).Union()};
  if (t == type::kRange)
    return {fb::OpParams::Range,
            fb::CreateRange(b, a.get_float("start"), a.get_float("delta")).Union()};
  if (t == type::kDimValues) {
    const auto values = b.CreateVectorOfStructs(dims_attr(op, "values", "value_symbols"));
    return {fb::OpParams::DimValues, fb::CreateDimValues(b, values).Union()};
  }
  throw std::logic_error("unknown op type " + op.type);  // validate_graph rejects it first
}

}  // namespace minirt::converter
