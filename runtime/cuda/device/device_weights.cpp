#include "runtime/cuda/device/device_weights.h"

#include <vector>

namespace minirt {

DeviceWeights::DeviceWeights(const Model::Impl& model) : layout_(half_weight_layout(model)) {
  std::vector<uint8_t> host(layout_.bytes);
  write_half_weights(model, layout_, host);
  memory_ = device_alloc(layout_.bytes);
  MINIRT_CUDA_CALL(cudaMemcpy(memory_.get(), host.data(), host.size(), cudaMemcpyHostToDevice));
}

std::shared_ptr<const DeviceWeights> shared_device_weights(const Model::Impl& model, int device) {
  return model.prepared.get_or_make<DeviceWeights>(SharedPrepared::kWholeModel, device, [&] {
    return std::make_shared<const DeviceWeights>(model);
  });
}

}  // namespace minirt
