// The fp16 copy of a model's weights the CUDA backend uploads once per model:
// where each weight lies in one buffer, and the host bytes of that buffer.
// Plain C++, so the emulator tests lay weights out exactly as the GPU gets them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "runtime/model/model_impl.h"

namespace minirt {

struct HalfWeightLayout {
  static constexpr size_t kNone = SIZE_MAX;
  std::vector<size_t> offset;  // per value: byte offset of its fp16 copy, kNone if not a weight
  size_t bytes = 0;            // the whole buffer, each weight 64-byte aligned
};

HalfWeightLayout half_weight_layout(const Model::Impl& model);

// Fills dst (layout.bytes) with each float32 weight rounded to fp16 (round to
// nearest even; past 65504 is infinity); other dtypes are copied as they are.
void write_half_weights(const Model::Impl& model, const HalfWeightLayout& layout,
                        std::span<uint8_t> dst);

}  // namespace minirt
