#include "converter/ir/weight_bytes.h"

namespace minirt::ir {

WeightBytes WeightBytes::owned(std::vector<float> values) {
  auto holder = std::make_shared<const std::vector<float>>(std::move(values));
  const auto* data = reinterpret_cast<const uint8_t*>(holder->data());
  return WeightBytes(holder, std::span<const uint8_t>(data, holder->size() * sizeof(float)));
}

WeightBytes WeightBytes::owned_bytes(std::vector<uint8_t> bytes) {
  auto holder = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  return WeightBytes(holder, std::span<const uint8_t>(holder->data(), holder->size()));
}

WeightBytes WeightBytes::view(std::shared_ptr<const void> owner, std::span<const uint8_t> bytes) {
  return WeightBytes(std::move(owner), bytes);
}

}  // namespace minirt::ir
