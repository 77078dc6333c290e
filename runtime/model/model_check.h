#pragma once

#include "runtime/model/model_impl.h"

namespace minirt {

// Checks graph wiring and every op's dtypes and shapes, derives the input
// limits and plans the arena. Throws Error naming the first problem.
void check_model(Model::Impl& impl);

}  // namespace minirt
