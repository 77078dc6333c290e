// The bytes of a weight: either owned by the graph or a view into a mapped
// source file. Either way a shared owner keeps the memory alive for as long
// as any value refers to it, so passes can copy values freely.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace minirt::ir {

class WeightBytes {
 public:
  WeightBytes() = default;

  static WeightBytes owned(std::vector<float> values);
  static WeightBytes owned_bytes(std::vector<uint8_t> bytes);
  // `bytes` must stay valid while `owner` lives (e.g. a MappedFile).
  static WeightBytes view(std::shared_ptr<const void> owner, std::span<const uint8_t> bytes);

  std::span<const uint8_t> bytes() const { return bytes_; }
  size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

 private:
  WeightBytes(std::shared_ptr<const void> owner, std::span<const uint8_t> bytes)
      : owner_(std::move(owner)), bytes_(bytes) {}

  std::shared_ptr<const void> owner_;
  std::span<const uint8_t> bytes_;
};

}  // namespace minirt::ir
