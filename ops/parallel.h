// How kernels split work across threads without knowing who provides them.
// The session passes its thread pool; tests pass SerialParallel.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

namespace minirt {

// A non-owning reference to a callable (void(int64_t begin, int64_t end)).
// Unlike std::function it never allocates, so run() stays heap-free.
class RangeFn {
 public:
  template <typename F>
  RangeFn(F&& fn)  // NOLINT(google-explicit-constructor): used like a lambda
      : obj_(const_cast<void*>(static_cast<const void*>(&fn))),
        call_([](void* obj, int64_t begin, int64_t end) {
          (*static_cast<std::remove_reference_t<F>*>(obj))(begin, end);
        }) {}
  void operator()(int64_t begin, int64_t end) const { call_(obj_, begin, end); }

 private:
  void* obj_;
  void (*call_)(void*, int64_t, int64_t);
};

class Parallel {
 public:
  virtual ~Parallel() = default;
  virtual int threads() const = 0;
  // Calls fn over disjoint chunks covering [0, n); chunks hold at least
  // `grain` items where n allows. Returns when every chunk is done.
  virtual void for_range(int64_t n, int64_t grain, RangeFn fn) = 0;
};

class SerialParallel final : public Parallel {
 public:
  int threads() const override { return 1; }
  void for_range(int64_t n, int64_t /*grain*/, RangeFn fn) override {
    if (n > 0) fn(0, n);
  }
};

}  // namespace minirt
