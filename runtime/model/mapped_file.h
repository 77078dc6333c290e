// A read-only memory map of a whole file. Weights are read in place from it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace minirt {

class MappedFile {
 public:
  // Throws Error naming the path when the file is missing, unreadable or empty.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace minirt
