// Whether a model runs padding-free (ragged) batches, decided once at load.
#pragma once

#include "runtime/model/model_impl.h"

namespace minirt {

// The fused ops know the packed layout; a generic op works over [B,S] and
// would read packed rows as a padded grid. Sets impl.ragged_refusal naming
// the first op or value that cannot run packed; when none, raises each
// activation's max_bytes to its size at the token budget (impl.max_tokens
// tokens in up to max_tokens sequences), so the one arena plan serves both
// kinds of run. Throws Error when a value overflows at that budget.
void check_ragged_support(Model::Impl& impl);

// The shape that sizes buffers for the largest ragged run the model takes.
inline RunShape ragged_at_max(const Model::Impl& impl) {
  return RunShape::packed(impl.max_tokens, impl.max_seq, impl.max_tokens, nullptr);
}

}  // namespace minirt
