#include "converter/ir/input_quantization.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace minirt::ir {
namespace {

constexpr const char* kScale = "input_scale";
constexpr const char* kZeroPoint = "input_zero_point";

}  // namespace

void set_input_quantization(Op& op, const StaticQuantization& q) {
  if (!(std::isfinite(q.scale) && q.scale > 0.0f))
    throw std::runtime_error("op '" + op.name + "': static input scale " + std::to_string(q.scale) +
                             " is not finite and positive");
  if (q.zero_point < 0 || q.zero_point > 255)
    throw std::runtime_error("op '" + op.name + "': static input zero point " +
                             std::to_string(q.zero_point) + " is outside [0, 255] (u8)");
  op.attrs.set(kScale, q.scale);
  op.attrs.set(kZeroPoint, int64_t{q.zero_point});
}

std::optional<StaticQuantization> input_quantization(const Op& op) {
  if (!op.attrs.has(kScale) && !op.attrs.has(kZeroPoint)) return std::nullopt;
  return StaticQuantization{op.attrs.get_float(kScale),
                            static_cast<int32_t>(op.attrs.get_int(kZeroPoint))};
}

void copy_input_quantization(const Op& from, Op& to) {
  if (const std::optional<StaticQuantization> q = input_quantization(from))
    set_input_quantization(to, *q);
}

StaticQuantization from_s8_quantization(float scale, int32_t zero_point) {
  return {scale, zero_point + 128};
}

}  // namespace minirt::ir
