// The bytes a model is read from: a mapped file or a 64-byte-aligned copy of
// a caller's buffer. The model holds them while it lives; weights are read
// in place from them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace minirt {

class ModelBytes {
 public:
  virtual ~ModelBytes() = default;
  virtual std::span<const uint8_t> bytes() const = 0;
  // The file's path, or the name the caller gave bytes in memory: what
  // load errors name.
  virtual const std::string& name() const = 0;
  // Lets go of the memory wholly inside [p, p + bytes), a range of these
  // bytes the caller has copied out (packed weights), where that can be
  // undone: a later read must still see the same bytes. May do nothing.
  virtual void release(const void* p, size_t bytes) const = 0;
};

// A copy of bytes held in memory, starting on a 64-byte boundary, as the
// loader needs for reading weights in place. release() keeps everything:
// the copy is the only one.
class AlignedCopy final : public ModelBytes {
 public:
  AlignedCopy(std::span<const uint8_t> bytes, std::string name);

  std::span<const uint8_t> bytes() const override { return {data_.get(), size_}; }
  const std::string& name() const override { return name_; }
  void release(const void*, size_t) const override {}

 private:
  struct Free {
    void operator()(uint8_t* p) const;
  };
  std::string name_;
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
};

}  // namespace minirt
