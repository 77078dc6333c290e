#include "serve/grpc_infer_decode.h"

#include <cstring>

namespace minirt::serve {

namespace {

Status invalid(std::string message) { return {StatusCode::kInvalidArgument, std::move(message)}; }

}  // namespace

Status decode_grpc_infer(const inference::ModelInferRequest& request, InferCall* call) {
  *call = InferCall{};
  call->model_name = request.model_name();
  const bool raw = request.raw_input_contents_size() > 0;
  if (raw && request.raw_input_contents_size() != request.inputs_size())
    return invalid("raw_input_contents has " + std::to_string(request.raw_input_contents_size()) +
                   " entries for " + std::to_string(request.inputs_size()) + " inputs");
  for (int i = 0; i < request.inputs_size(); ++i) {
    const auto& in = request.inputs(i);
    RawInput r{in.name(), in.datatype(), {in.shape().begin(), in.shape().end()}, {}, {}};
    if (raw && in.has_contents())
      return invalid("input '" + in.name() + "' has contents and raw_input_contents");
    if (in.datatype() == "INT64") {
      if (raw) {
        const std::string& bytes = request.raw_input_contents(i);
        if (bytes.size() % sizeof(int64_t) != 0)
          return invalid("input '" + in.name() + "' raw contents are " +
                         std::to_string(bytes.size()) + " bytes, not a multiple of 8");
        r.values.resize(bytes.size() / sizeof(int64_t));
        if (!bytes.empty()) std::memcpy(r.values.data(), bytes.data(), bytes.size());
      } else {
        r.values.assign(in.contents().int64_contents().begin(),
                        in.contents().int64_contents().end());
      }
    } else if (in.datatype() == "BYTES") {
      if (raw) {
        const Status split =
            split_bytes_elements(request.raw_input_contents(i), in.name(), &r.texts);
        if (!split.ok()) return split;
      } else {
        r.texts.assign(in.contents().bytes_contents().begin(),
                       in.contents().bytes_contents().end());
      }
    }
    call->inputs.push_back(std::move(r));
  }
  for (const auto& out : request.outputs()) call->requested_outputs.push_back(out.name());
  return {};
}

}  // namespace minirt::serve
