// Reads a .safetensors file into a TensorSet without copying: tensors view the
// memory-mapped file.
//
// Layout: an 8-byte little-endian header length N, N bytes of JSON
//   {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]},
//    "__metadata__": {..}}
// then the data; offsets count from the first byte after the header.
#pragma once

#include <filesystem>

#include "converter/import/hf/tensor_set.h"

namespace minirt::converter::hf {

// Every entry is checked (dtype known, shape and offsets consistent, range
// inside the file); errors name the file and the tensor.
TensorSet read_safetensors(const std::filesystem::path& path);

}  // namespace minirt::converter::hf
