// A model's Open Inference Protocol metadata, shared by both front ends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "serve/model_repository.h"

namespace minirt::serve {

inline constexpr const char* kServerName = "minirt-serve";
inline constexpr const char* kPlatform = "minirt_flatbuffers";
// Each model file is served as its one version.
inline constexpr const char* kModelVersion = "1";
// The protocol extensions served (HTTP's binary tensor data).
inline const std::vector<std::string> kExtensions = {"binary_tensor_data"};

std::string server_version();  // libminirt's, "0.1.0"

struct TensorMetadata {
  std::string name;
  std::string datatype;
  std::vector<int64_t> shape;  // -1: variable
};

std::vector<TensorMetadata> input_metadata(const ServedModel& model);
std::vector<TensorMetadata> output_metadata(const ServedModel& model);

// Whether a version in a request names the one served ("" or "1").
bool version_served(const std::string& version);

}  // namespace minirt::serve
