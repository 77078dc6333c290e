#include "converter/emit/op_params.h"

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "converter/ir/input_quantization.h"
#include "converter/ir/op_types.h"

namespace minirt::converter {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

int32_t to_int32(int64_t value, const char* attr) {
  if (value < std::numeric_limits<int32_t>::min() || value > std::numeric_limits<int32_t>::max())
    fail("attribute '" + std::string(attr) + "' value " + std::to_string(value) +
         " does not fit int32");
  return static_cast<int32_t>(value);
}

int32_t int32_attr(const ir::Op& op, const char* attr) {
  return to_int32(op.attrs.get_int(attr), attr);
}

std::vector<int32_t> int32s_attr(const ir::Op& op, const char* attr) {
  std::vector<int32_t> out;
  for (int64_t v : op.attrs.get_ints(attr)) out.push_back(to_int32(v, attr));
  return out;
}

template <typename Enum, size_t N>
Enum enum_attr(const ir::Op& op, const char* attr, const Enum (&values)[N],
               const char* (*name_of)(Enum)) {
  const std::string& name = op.attrs.get_string(attr);
  const std::optional<Enum> value = ir::schema_enum(name, values, name_of);
  if (!value)
    fail("attribute '" + std::string(attr) + "' is '" + name + "', not a name minirt.fbs defines");
  return *value;
}

// "precision_floor" (a PrecisionFloor name), optional: Any when absent.
fb::PrecisionFloor precision_floor_attr(const ir::Op& op) {
  if (!op.attrs.has("precision_floor")) return fb::PrecisionFloor::Any;
  return enum_attr(op, "precision_floor", fb::EnumValuesPrecisionFloor(),
                   fb::EnumNamePrecisionFloor);
}

// "input_scale" and "input_zero_point" (ir/input_quantization.h), optional:
// a null offset (no static quantization) when absent.
flatbuffers::Offset<fb::StaticQuantization> input_quantization_table(
    flatbuffers::FlatBufferBuilder& b, const ir::Op& op) {
  const std::optional<StaticQuantization> q = ir::input_quantization(op);
  if (!q) return 0;
  return fb::CreateStaticQuantization(b, q->scale, q->zero_point);
}

// Dims from an attribute pair: factors and symbol bits (1 batch, 2 seq).
std::vector<fb::Dim> dims_attr(const ir::Op& op, const char* factors_attr,
                               const char* symbols_attr) {
  const std::vector<int64_t>& factors = op.attrs.get_ints(factors_attr);
  const std::vector<int64_t>& symbols = op.attrs.get_ints(symbols_attr);
  if (symbols.size() != factors.size())
    fail("attributes '" + std::string(factors_attr) + "' and '" + symbols_attr +
         "' differ in length");
  std::vector<fb::Dim> dims;
  for (size_t a = 0; a < factors.size(); ++a) {
    if (symbols[a] & ~int64_t{3})
      fail("attribute '" + std::string(symbols_attr) + "' has unknown symbol bits " +
           std::to_string(symbols[a]));
    auto flags = fb::DimSymbol::NONE;
    if (symbols[a] & 1) flags |= fb::DimSymbol::BATCH;
    if (symbols[a] & 2) flags |= fb::DimSymbol::SEQ;
    dims.emplace_back(factors[a], flags);
  }
  return dims;
}

}  // namespace

std::pair<fb::OpParams, flatbuffers::Offset<void>> build_op_params(
    flatbuffers::FlatBufferBuilder& b, const ir::Op& op) {
  const std::optional<fb::OpParams> kind = ir::schema_op(op.type);
  if (!kind) fail("not an op minirt.fbs defines");
  const ir::Attributes& a = op.attrs;
  auto params = [&]() -> flatbuffers::Offset<void> {
    switch (*kind) {
      case fb::OpParams::EmbedLayerNorm:
        return fb::CreateEmbedLayerNorm(b, a.get_float("epsilon")).Union();
      case fb::OpParams::MatMul: {
        const auto quantization = input_quantization_table(b, op);
        return fb::CreateMatMul(
                   b,
                   enum_attr(op, "activation", fb::EnumValuesActivation(), fb::EnumNameActivation),
                   precision_floor_attr(op), quantization)
            .Union();
      }
      case fb::OpParams::Attention:
        return fb::CreateAttention(b, int32_attr(op, "num_heads"), int32_attr(op, "head_dim"),
                                   a.get_float("scale"), precision_floor_attr(op))
            .Union();
      case fb::OpParams::AddLayerNorm:
        return fb::CreateAddLayerNorm(b, a.get_float("epsilon")).Union();
      case fb::OpParams::Pooler:
        return fb::CreatePooler(b).Union();
      case fb::OpParams::Elementwise:
        return fb::CreateElementwise(
                   b, enum_attr(op, "fn", fb::EnumValuesElementwiseFn(), fb::EnumNameElementwiseFn))
            .Union();
      case fb::OpParams::GenericMatMul:
        return fb::CreateGenericMatMul(b).Union();
      case fb::OpParams::Gemm:
        return fb::CreateGemm(b, a.get_float("alpha"), a.get_float("beta"),
                              a.get_int("trans_a") != 0, a.get_int("trans_b") != 0)
            .Union();
      case fb::OpParams::Softmax:
        return fb::CreateSoftmax(b, int32_attr(op, "axis")).Union();
      case fb::OpParams::LayerNormalization:
        return fb::CreateLayerNormalization(b, int32_attr(op, "axis"), a.get_float("epsilon"))
            .Union();
      case fb::OpParams::ReduceMean:
        return fb::CreateReduceMean(b, b.CreateVector(int32s_attr(op, "axes"))).Union();
      case fb::OpParams::Reshape:
        return fb::CreateReshape(b).Union();
      case fb::OpParams::Transpose:
        return fb::CreateTranspose(b, b.CreateVector(int32s_attr(op, "perm"))).Union();
      case fb::OpParams::Gather:
        return fb::CreateGather(b, int32_attr(op, "axis")).Union();
      case fb::OpParams::GatherND:
        return fb::CreateGatherND(b).Union();
      case fb::OpParams::Slice: {
        const auto starts = b.CreateVectorOfStructs(dims_attr(op, "starts", "start_symbols"));
        return fb::CreateSlice(b, starts, b.CreateVector(a.get_ints("steps"))).Union();
      }
      case fb::OpParams::Concat:
        return fb::CreateConcat(b, int32_attr(op, "axis")).Union();
      case fb::OpParams::Expand:
        return fb::CreateExpand(b).Union();
      case fb::OpParams::Range:
        return fb::CreateRange(b, a.get_float("start"), a.get_float("delta")).Union();
      case fb::OpParams::QuantizeLinear:
        return fb::CreateQuantizeLinear(b, int32_attr(op, "axis")).Union();
      case fb::OpParams::DequantizeLinear:
        return fb::CreateDequantizeLinear(b, int32_attr(op, "axis")).Union();
      case fb::OpParams::DimValues: {
        const auto values = b.CreateVectorOfStructs(dims_attr(op, "values", "value_symbols"));
        return fb::CreateDimValues(b, values).Union();
      }
      case fb::OpParams::NONE:
        break;
    }
    fail("not an op minirt.fbs defines");  // schema_op never names NONE
  };
  return {*kind, params()};
}

}  // namespace minirt::converter
