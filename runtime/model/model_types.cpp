#include <array>
#include <string>

#include "ops/ref/generic_kernels.h"
#include "runtime/model/model_impl.h"

namespace minirt {

static_assert(same_code(Activation::kNone, fb::Activation::None) &&
                  same_code(Activation::kGeluErf, fb::Activation::GeluErf) &&
                  same_code(Activation::kGeluTanh, fb::Activation::GeluTanh) &&
                  same_code(Activation::kTanh, fb::Activation::Tanh) &&
                  same_code(Activation::kTanh, fb::Activation::MAX),
              "ops/op_types.h's Activation must mirror minirt.fbs's, code for code");

Activation activation_from(fb::Activation act) {
  if (act < fb::Activation::MIN || act > fb::Activation::MAX)
    throw Error("unknown activation code " + std::to_string(static_cast<int>(act)));
  return static_cast<Activation>(act);
}

fb::PrecisionFloor precision_floor_from(fb::PrecisionFloor floor) {
  if (floor < fb::PrecisionFloor::MIN || floor > fb::PrecisionFloor::MAX)
    throw Error("unknown precision_floor code " + std::to_string(static_cast<int>(floor)));
  return floor;
}

void set_attention_floors(std::vector<OpInfo>& ops) {
  for (OpInfo& attention : ops) {
    if (attention.kind != OpKind::Attention || attention.inputs.empty()) continue;
    if (attention.precision_floor == fb::PrecisionFloor::F32) attention.fp32_attention = true;
    for (const OpInfo& op : ops) {
      if (op.kind == OpKind::MatMul && op.precision_floor == fb::PrecisionFloor::F32 &&
          !op.outputs.empty() && op.outputs[0] == attention.inputs[0])
        attention.fp32_attention = true;
    }
  }
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

SymDim sym_dim_from(const fb::Dim& dim, const std::string& where) {
  const auto unknown = static_cast<unsigned>(dim.symbols() & ~fb::DimSymbol::ANY);
  if (unknown != 0)
    throw Error(where + " has a dim with unknown symbol bits " + std::to_string(unknown) +
                " (symbols " + std::to_string(static_cast<unsigned>(dim.symbols())) +
                "; BATCH is 1, SEQ is 2): written for a newer format?");
  return SymDim{dim.factor(), (dim.symbols() & fb::DimSymbol::BATCH) == fb::DimSymbol::BATCH,
                (dim.symbols() & fb::DimSymbol::SEQ) == fb::DimSymbol::SEQ};
}

int ValueInfo::dims(const RunShape& run, int64_t* out) const {
  int rank = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    const SymDim& dim = shape[d];
    const bool packs_next = run.ragged && dim.batch && !dim.seq && d + 1 < shape.size() &&
                            shape[d + 1].seq && !shape[d + 1].batch;
    if (packs_next) {
      out[rank++] = dim.factor * shape[d + 1].factor * run.tokens;
      ++d;
    } else {
      out[rank++] = dim.eval(run);
    }
  }
  return rank;
}

int64_t ValueInfo::numel(const RunShape& run) const {
  std::array<int64_t, ref::kMaxDims> d{};
  const int rank = dims(run, d.data());
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= d[static_cast<size_t>(i)];
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
