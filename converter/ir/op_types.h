// The op types and enum spellings the IR shares with minirt.fbs, taken from
// the generated schema rather than kept by hand: an op minirt.fbs defines
// has the type of its OpParams member's name ("MatMul", "Elementwise"), and
// enum attributes (MatMul's "activation", Elementwise's "fn") are spelled as
// the schema's enum values. An importer that brings in another format's ops
// keeps their source names under a prefix ("onnx::Add") until a pass
// rewrites them; emit writes only ops whose type the schema defines.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "format/minirt_generated.h"

namespace minirt::ir {

// The IR type of an op minirt.fbs defines.
inline std::string_view op_name(fb::OpParams kind) { return fb::EnumNameOpParams(kind); }

// MatMul's "activation" attribute value for an activation.
inline std::string_view activation_name(fb::Activation activation) {
  return fb::EnumNameActivation(activation);
}

// The enum value the schema spells `name`, from flatc's tables (values and
// name function), e.g. schema_enum(name, fb::EnumValuesActivation(),
// fb::EnumNameActivation); nullopt when the schema has no such name.
template <typename Enum, size_t N>
std::optional<Enum> schema_enum(std::string_view name, const Enum (&values)[N],
                                const char* (*name_of)(Enum)) {
  for (Enum value : values)
    if (name == name_of(value)) return value;
  return std::nullopt;
}

// The schema op an IR type names; nullopt for any other type (an
// importer's "onnx::Add", or the union's NONE).
inline std::optional<fb::OpParams> schema_op(std::string_view type) {
  const std::optional<fb::OpParams> kind =
      schema_enum(type, fb::EnumValuesOpParams(), fb::EnumNameOpParams);
  return kind == fb::OpParams::NONE ? std::nullopt : kind;
}

}  // namespace minirt::ir
