// The CUDA backend's captured graphs: one per run shape, the least recently
// used dropped past a bound (each instantiated graph holds device memory for
// its nodes). Plain C++ over any movable value, so ctest checks it without
// a GPU; the backend stores its graph handles in it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <utility>

namespace minirt {

// What decides a captured graph: the run's size, and which optional graph
// inputs the request gave (bit i: model input i), since an absent one is a
// null kernel argument rather than a buffer.
struct GraphKey {
  int64_t batch = 0, seq = 0;
  uint32_t given_inputs = 0;
  bool operator==(const GraphKey&) const = default;
};

template <typename Value>
class GraphCache {
 public:
  static constexpr size_t kDefaultCapacity = 16;
  explicit GraphCache(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}

  // The value under key, now the most recently used; nullptr if absent.
  // Allocates nothing.
  Value* find(const GraphKey& key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first != key) continue;
      entries_.splice(entries_.begin(), entries_, it);
      return &entries_.front().second;
    }
    return nullptr;
  }

  // Stores value under key (absent), dropping the least recently used entry
  // when full; returns the stored value.
  Value& insert(const GraphKey& key, Value value) {
    if (entries_.size() == capacity_) entries_.pop_back();
    entries_.emplace_front(key, std::move(value));
    return entries_.front().second;
  }

  size_t size() const { return entries_.size(); }

 private:
  size_t capacity_;
  std::list<std::pair<GraphKey, Value>> entries_;  // most recently used first
};

}  // namespace minirt
