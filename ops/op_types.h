// Plain types shared by every kernel backend; independent of the file format.
#pragma once

namespace minirt {

// Applied in the MatMul epilogue before the residual add.
enum class Activation { kNone, kGeluErf, kGeluTanh, kTanh };

const char* activation_name(Activation act);

}  // namespace minirt
