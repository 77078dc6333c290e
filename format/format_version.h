// The version written into Model.version by minirt-convert and the only one
// the runtime accepts. Bump it when a schema change would make old readers
// misread new files (see the compatibility note in minirt.fbs).
#pragma once

#include <cstdint>

namespace minirt {

inline constexpr uint32_t kFormatVersion = 1;

}  // namespace minirt
