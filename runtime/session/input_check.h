#pragma once

#include <cstdint>
#include <span>

#include "runtime/model/model_impl.h"

namespace minirt {

// Checks the caller's tensors against the model: shapes, sizes within the
// planned max, every id inside its table, masks 0 or 1. Fills graph_inputs
// (parallel to model.inputs; nullptr where the caller left a default).
// Returns the run's shape: a padded batch.
RunShape check_inputs(const Model::Impl& model, const Inputs& inputs,
                      std::span<const int64_t*> graph_inputs);

// The same for a padding-free batch: the model runs packed batches, the
// offsets start at 0, increase, end at the ids' length, no sequence is past
// max seq and the total is within max_tokens. Writes the offsets as int32
// into `offsets` (room for max_tokens + 1) and returns the ragged run shape
// pointing at them.
RunShape check_ragged_inputs(const Model::Impl& model, const RaggedInputs& inputs,
                             std::span<const int64_t*> graph_inputs, std::span<int32_t> offsets);

}  // namespace minirt
