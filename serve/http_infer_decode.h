// An HTTP infer request's body into the server's request, with no server
// object involved (so the parser can be tested and fuzzed on bytes): the
// JSON form, and the binary tensor data extension, where the JSON header is
// the body's first Inference-Header-Content-Length bytes and each input's
// data follows it in order (parameters.binary_data_size bytes each). Every
// malformed part is a kInvalidArgument Status (HTTP 400) naming it; whether
// the tensors fit the model is decode_tokens' job (request_decode.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/inference_service.h"

namespace minirt::serve {

inline constexpr const char* kHeaderLengthField = "Inference-Header-Content-Length";

struct HttpInferRequest {
  InferCall call;
  std::optional<std::string> id;  // echoed in the response
  // Outputs to send as binary tensor data: all (parameters.binary_data_output)
  // or those whose request entry has parameters.binary_data true.
  bool all_binary = false;
  std::vector<std::string> binary_outputs;
  bool wants_binary(const std::string& output) const;
};

// `header_length` is the Inference-Header-Content-Length field's value, or
// nullptr when the request has none (the body is then JSON alone).
Status decode_http_infer(std::string_view body, const std::string* header_length,
                         std::string model_name, HttpInferRequest* out);

}  // namespace minirt::serve
