// Replaces the global operator new and delete (over malloc and free) for the
// one test executable that includes this header, so a test can watch or
// break the heap underneath minirt: count the allocations made while
// counting is on (no_alloc_test), or fail the one numbered fail_at
// (api_errors_test). Include it from exactly one file of an executable.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace minirt::test::allocation_hook {

inline std::atomic<bool> counting{false};
inline std::atomic<int64_t> allocations{0};
// Armed when >= 0: the allocation numbered fail_at from then on throws
// std::bad_alloc, once.
inline std::atomic<long> fail_at{-1};

inline void* allocate(size_t size, size_t alignment) {
  if (counting.load()) ++allocations;
  if (fail_at.load() >= 0 && fail_at.fetch_sub(1) == 0) throw std::bad_alloc();
  const size_t rounded = (std::max<size_t>(size, 1) + alignment - 1) / alignment * alignment;
  void* p = alignment <= alignof(std::max_align_t) ? std::malloc(rounded)
                                                   : std::aligned_alloc(alignment, rounded);
  if (!p) throw std::bad_alloc();
  return p;
}

}  // namespace minirt::test::allocation_hook

void* operator new(size_t size) {
  return minirt::test::allocation_hook::allocate(size, alignof(std::max_align_t));
}
void* operator new[](size_t size) {
  return minirt::test::allocation_hook::allocate(size, alignof(std::max_align_t));
}
void* operator new(size_t size, std::align_val_t al) {
  return minirt::test::allocation_hook::allocate(size, static_cast<size_t>(al));
}
void* operator new[](size_t size, std::align_val_t al) {
  return minirt::test::allocation_hook::allocate(size, static_cast<size_t>(al));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { std::free(p); }
