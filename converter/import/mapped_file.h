// A read-only memory map of a whole file, shared by the weights that view it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

namespace minirt::converter {

class MappedFile {
 public:
  // Throws naming the file when it cannot be opened or mapped.
  static std::shared_ptr<const MappedFile> open(const std::filesystem::path& path);

  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  const std::filesystem::path& path() const { return path_; }

 private:
  MappedFile(std::filesystem::path path, const uint8_t* data, size_t size)
      : path_(std::move(path)), data_(data), size_(size) {}

  std::filesystem::path path_;
  const uint8_t* data_;
  size_t size_;
};

}  // namespace minirt::converter
