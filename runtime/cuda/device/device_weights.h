// A model's weights in fp16 on the GPU, uploaded once per model and device
// and shared by every CUDA session of the model (through Model::Impl's
// SharedPrepared, as the CPU backend shares its packed weights).
#pragma once

#include <memory>

#include "runtime/cuda/device/cuda_memory.h"
#include "runtime/cuda/half_weights.h"

namespace minirt {

class DeviceWeights {
 public:
  explicit DeviceWeights(const Model::Impl& model);
  // Weight value v's fp16 copy on the device.
  void* data(size_t v) const { return static_cast<uint8_t*>(memory_.get()) + layout_.offset[v]; }
  size_t bytes() const { return layout_.bytes; }

 private:
  HalfWeightLayout layout_;
  DeviceMemory memory_;
};

// The model's weights on `device` (the current device), made by the first
// session that asks.
std::shared_ptr<const DeviceWeights> shared_device_weights(const Model::Impl& model, int device);

}  // namespace minirt
