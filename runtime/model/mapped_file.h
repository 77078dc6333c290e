// A read-only memory map of a whole file. Weights are read in place from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "runtime/model/model_bytes.h"

namespace minirt {

class MappedFile final : public ModelBytes {
 public:
  // Throws Error naming the path when the file is missing, unreadable or empty.
  explicit MappedFile(const std::string& path);
  ~MappedFile() override;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<const uint8_t> bytes() const override { return {data_, size_}; }
  const std::string& path() const { return path_; }
  const std::string& name() const override { return path_; }

  // Drops the resident pages wholly inside [p, p + bytes), a range of this
  // map that the caller has copied out (packed weights): resident memory
  // falls by their size, and a later read pages them in again from the
  // file, so nothing is lost. Mapping is read-only, so this is always safe.
  void release(const void* p, size_t bytes) const override;

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace minirt
