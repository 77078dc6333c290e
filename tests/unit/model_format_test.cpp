// What the loader refuses because a newer format might mean it: symbol bits
// and op kinds this runtime does not know.
#include <doctest/doctest.h>

#include <string>

#include "minirt/minirt.h"
#include "tests/unit/tiny_model_writer.h"

namespace minirt {
namespace {

std::string load_error(const test::ModelSpec& spec, const std::string& name) {
  try {
    Model::load(test::write_temp(test::serialize(spec), name));
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

constexpr auto kUnknownSymbol = static_cast<fb::DimSymbol>(4);  // the next bit after SEQ

TEST_CASE("format: a value dim with an unknown symbol bit is refused, naming the value and bits") {
  test::ModelSpec spec = test::valid_spec();
  spec.values[8].shape[1] = fb::Dim(1, fb::DimSymbol::SEQ | kUnknownSymbol);  // "hidden"
  const std::string error = load_error(spec, "unknown_symbol");
  CHECK(error.find("value 8 'hidden'") != std::string::npos);
  CHECK(error.find("unknown symbol bits 4") != std::string::npos);
}

TEST_CASE("format: an unknown symbol bit alone is refused too") {
  test::ModelSpec spec = test::valid_spec();
  spec.values[12].shape[0] = fb::Dim(1, static_cast<fb::DimSymbol>(0x80));  // "out"
  const std::string error = load_error(spec, "unknown_symbol_high");
  CHECK(error.find("value 12 'out'") != std::string::npos);
  CHECK(error.find("unknown symbol bits 128") != std::string::npos);
}

TEST_CASE("format: an unknown symbol bit in a generic op's dims is refused, naming the op") {
  // Refused as the op is read, before any rule looks at the rest of it.
  for (const fb::OpParams kind : {fb::OpParams::DimValues, fb::OpParams::Slice}) {
    CAPTURE(fb::EnumNameOpParams(kind));
    test::ModelSpec spec = test::valid_spec();
    test::SpecOp op{.name = "sized", .type = kind};
    op.dims = {fb::Dim(2, fb::DimSymbol::BATCH | kUnknownSymbol)};
    op.steps = {1};
    op.outputs = {12};
    spec.ops.push_back(op);
    const std::string error = load_error(spec, "unknown_symbol_op");
    CHECK(error.find("op 'sized' has a dim with unknown symbol bits 4") != std::string::npos);
  }
}

TEST_CASE("format: known symbol bits still load") {
  CHECK(load_error(test::valid_spec(), "known_symbols").empty());
}

}  // namespace
}  // namespace minirt
