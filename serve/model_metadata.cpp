#include "serve/model_metadata.h"

#include "minirt/minirt_c.h"
#include "serve/request_decode.h"

namespace minirt::serve {

std::string server_version() {
  return std::to_string(MINIRT_VERSION_MAJOR) + "." + std::to_string(MINIRT_VERSION_MINOR) + "." +
         std::to_string(MINIRT_VERSION_PATCH);
}

std::vector<TensorMetadata> input_metadata(const ServedModel& model) {
  std::vector<TensorMetadata> out;
  for (const InputInfo& in : model.summary.inputs) out.push_back({in.name, "INT64", {-1, -1}});
  // Text instead of ids: one sequence per element (request_decode.h).
  if (model.model->tokenizer() != nullptr) {
    out.push_back({kTextInput, "BYTES", {-1}});
    out.push_back({kTextPairInput, "BYTES", {-1}});
  }
  return out;
}

std::vector<TensorMetadata> output_metadata(const ServedModel& model) {
  std::vector<TensorMetadata> out;
  for (const OutputInfo& o : model.outputs) {
    TensorMetadata t{o.name, "FP32", {-1}};
    if (o.per_token) t.shape.push_back(-1);
    t.shape.insert(t.shape.end(), o.inner_shape.begin(), o.inner_shape.end());
    out.push_back(std::move(t));
  }
  return out;
}

bool version_served(const std::string& version) {
  return version.empty() || version == kModelVersion;
}

}  // namespace minirt::serve
