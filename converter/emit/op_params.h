// An IR op's OpParams table: its union tag from the op's type, its fields
// from the op's attributes. The attributes each type takes are read here.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <utility>

#include "converter/ir/graph.h"
#include "format/minirt_generated.h"

namespace minirt::converter {

// Throws std::runtime_error when the op is not one minirt.fbs defines, or an
// attribute the file needs is missing, mistyped or does not fit the field.
// Whether the values make sense is the runtime loader's to check.
std::pair<fb::OpParams, flatbuffers::Offset<void>> build_op_params(
    flatbuffers::FlatBufferBuilder& b, const ir::Op& op);

}  // namespace minirt::converter
