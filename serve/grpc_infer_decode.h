// A gRPC ModelInferRequest into the server's request, with no server object
// involved (so the parser can be tested and fuzzed on the message): inputs
// from contents (int64_contents, bytes_contents) or from raw_input_contents
// (one entry per input: INT64 little-endian, BYTES elements each after a
// 4-byte little-endian length), never both, and the requested outputs.
// Malformed parts are a kInvalidArgument Status (INVALID_ARGUMENT) naming
// them; whether the tensors fit the model is decode_tokens' job
// (request_decode.h).
#pragma once

#include "open_inference.pb.h"
#include "serve/inference_service.h"

namespace minirt::serve {

Status decode_grpc_infer(const inference::ModelInferRequest& request, InferCall* call);

}  // namespace minirt::serve
