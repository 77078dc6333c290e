// The OpParams tables of the generic ops, from their IR attributes.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include <utility>

#include "converter/ir/graph.h"
#include "format/minirt_generated.h"

namespace minirt::converter {

// The union tag and table of a generic op (validate_graph has checked it).
std::pair<fb::OpParams, flatbuffers::Offset<void>> build_generic_params(
    flatbuffers::FlatBufferBuilder& b, const ir::Op& op);

}  // namespace minirt::converter
