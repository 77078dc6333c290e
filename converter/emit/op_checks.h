// Per-kind checks of an op against minirt.fbs's definition of it.
#pragma once

#include <cstdint>

#include "converter/ir/graph.h"

namespace minirt::converter {

// Throws std::runtime_error describing the problem (the caller names the op),
// also for an op type minirt.fbs does not define.
// `max_seq` bounds the positions an EmbedLayerNorm must cover; generic ops'
// bounds are checked up to max_batch and max_seq.
void check_op(const ir::Graph& graph, const ir::Op& op, int64_t max_batch, int64_t max_seq);

}  // namespace minirt::converter
