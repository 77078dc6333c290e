// The check emit runs before writing: a file minirt-convert writes is one the
// runtime's loader accepts. Every index in range, ops in execution order
// (each input defined before use, each output written once), and for each
// fused op kind its input and output counts, dtypes, shapes and attributes as
// minirt.fbs's comments define them.
#pragma once

#include "converter/emit/emit_options.h"
#include "converter/ir/graph.h"

namespace minirt::converter {

// Throws std::runtime_error naming the first problem and the op or value.
void validate_graph(const ir::Graph& graph, const EmitOptions& options);

}  // namespace minirt::converter
