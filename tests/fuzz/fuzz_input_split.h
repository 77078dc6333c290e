// The importers read two files (config.json and model.safetensors; model.onnx
// and its external data): a fuzz input holds both, split at kSeparator. The
// seed corpus is made the same way (tests/fuzz/CMakeLists.txt).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

namespace minirt::fuzz {

inline constexpr std::string_view kSeparator = "\n--minirt-fuzz-next-file--\n";

// The part before the first separator, and the rest (empty when none).
inline std::pair<std::string_view, std::string_view> split_input(const uint8_t* data, size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const size_t at = all.find(kSeparator);
  if (at == std::string_view::npos) return {all, {}};
  return {all.substr(0, at), all.substr(at + kSeparator.size())};
}

// A directory of this process's own for the files an input becomes.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    const auto path =
        std::filesystem::temp_directory_path() / ("minirt_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
    return path;
  }();
  return dir;
}

inline std::filesystem::path write_scratch(const std::string& name, std::string_view bytes) {
  const std::filesystem::path path = scratch_dir() / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace minirt::fuzz
