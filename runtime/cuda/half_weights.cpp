#include "runtime/cuda/half_weights.h"

#include <cstring>

#include "ops/cuda/half.h"

namespace minirt {
namespace {

size_t half_bytes(const ValueInfo& value) {
  return value.dtype == DType::F32 ? value.max_bytes / 2 : value.max_bytes;
}

}  // namespace

HalfWeightLayout half_weight_layout(const Model::Impl& model) {
  HalfWeightLayout layout;
  layout.offset.assign(model.values.size(), HalfWeightLayout::kNone);
  for (size_t v = 0; v < model.values.size(); ++v) {
    if (model.values[v].kind != ValueKind::kWeight) continue;
    layout.offset[v] = layout.bytes;
    const size_t bytes = half_bytes(model.values[v]);
    layout.bytes += (bytes + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment;
  }
  return layout;
}

void write_half_weights(const Model::Impl& model, const HalfWeightLayout& layout,
                        std::span<uint8_t> dst) {
  for (size_t v = 0; v < model.values.size(); ++v) {
    if (layout.offset[v] == HalfWeightLayout::kNone) continue;
    const ValueInfo& value = model.values[v];
    uint8_t* to = dst.data() + layout.offset[v];
    if (value.dtype != DType::F32) {
      std::memcpy(to, value.weight, value.max_bytes);
      continue;
    }
    const size_t count = value.max_bytes / sizeof(float);
    for (size_t i = 0; i < count; ++i) {
      float f;
      std::memcpy(&f, value.weight + i * sizeof(float), sizeof f);
      const uint16_t bits = cuda::float_to_half_bits(f);
      std::memcpy(to + i * 2, &bits, 2);
    }
  }
}

}  // namespace minirt
