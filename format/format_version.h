// The version minirt-convert writes into Model.version, and the newest the
// runtime reads: it reads every version from kOldestFormatVersion up to this
// and refuses newer files by their version. Bump it when a schema change
// would make old readers misread new files (see the compatibility note in
// minirt.fbs).
#pragma once

#include <cstdint>

namespace minirt {

inline constexpr uint32_t kOldestFormatVersion = 1;
// 2: Model.max_tokens; 3: MatMul.input_quantization (static int8 input scale)
inline constexpr uint32_t kFormatVersion = 3;

}  // namespace minirt
