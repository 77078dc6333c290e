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

}  // namespace minirt
