// Prepare-time products that every session of one model can share: packed
// weights and generated code. The first session that prepares an op makes
// them; later sessions (in any thread) get the same object, so N sessions
// hold one copy of the packed weights, not N.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace minirt {

class SharedPrepared {
 public:
  // The op_index of products that belong to the whole model, not one op
  // (the CUDA backend's device weights).
  static constexpr size_t kWholeModel = SIZE_MAX;

  // The object stored under (op_index, variant), made by `make` on first use.
  // variant tells apart products of one op that differ, e.g. by ISA.
  template <typename T>
  std::shared_ptr<const T> get_or_make(size_t op_index, int variant,
                                       const std::function<std::shared_ptr<const T>()>& make) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::shared_ptr<const void>& entry = entries_[{op_index, variant}];
    if (!entry) entry = make();
    return std::static_pointer_cast<const T>(entry);
  }

 private:
  std::mutex mutex_;
  std::map<std::pair<size_t, int>, std::shared_ptr<const void>> entries_;
};

}  // namespace minirt
