// Writes a whole file so that readers see either the old file or the new one,
// never a partial write: a temporary file beside it, then rename().
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>

namespace minirt::converter {

void write_file_atomically(const std::filesystem::path& path, std::span<const uint8_t> bytes);

}  // namespace minirt::converter
