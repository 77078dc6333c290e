#include <string>

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

int64_t ValueInfo::numel(const RunShape& run) const {
  int64_t n = 1;
  for (const SymDim& dim : shape) n *= dim.eval(run);
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
