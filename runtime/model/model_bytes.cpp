#include "runtime/model/model_bytes.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "minirt/minirt.h"
#include "runtime/plan/arena_planner.h"

namespace minirt {

AlignedCopy::AlignedCopy(std::span<const uint8_t> bytes, std::string name)
    : name_(std::move(name)), size_(bytes.size()) {
  // At least one byte, so that an empty span still has an address.
  auto* p = static_cast<uint8_t*>(
      ::operator new (std::max<size_t>(size_, 1), std::align_val_t{kArenaAlignment}, std::nothrow));
  if (!p)
    throw Error("cannot allocate " + std::to_string(size_) + " bytes for model '" + name_ + "'");
  data_.reset(p);
  if (size_) std::memcpy(p, bytes.data(), size_);
}

void AlignedCopy::Free::operator()(uint8_t* p) const {
  ::operator delete (p, std::align_val_t{kArenaAlignment});
}

}  // namespace minirt
