// libFuzzer target: minirt-serve's request parsers, from the bytes a client
// sends to a run. The first byte picks the front end:
//   'J'  an HTTP infer body, JSON alone;
//   'B'  an HTTP body with the binary tensor data extension: the
//        Inference-Header-Content-Length value, the separator of
//        fuzz_input_split.h, then the body;
//   'G'  a gRPC ModelInferRequest's protobuf bytes (those protobuf cannot
//        parse never reach the server's code);
// any other byte picks one of them by its value. The request is then checked
// against a tiny BertModel with a tokenizer (decode_tokens, check_requested_outputs:
// names, datatypes, shapes, sizes, values, text), and when it passes it runs
// alone and in a batch behind a fixed request (BatchRunner, ragged or padded
// as the batch allows). A malformed request may only be refused with a
// kInvalidArgument Status naming what is wrong (HTTP 400, gRPC
// INVALID_ARGUMENT); any exception, crash or sanitizer report is a finding.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "open_inference.pb.h"
#include "serve/grpc_infer_decode.h"
#include "serve/http_infer_decode.h"
#include "serve/model_repository.h"
#include "tests/fuzz/fuzz_input_split.h"

#ifndef MINIRT_FUZZ_SERVE_MODELS
#error "MINIRT_FUZZ_SERVE_MODELS (the folder of the fuzzed model) must be defined"
#endif

namespace {

using namespace minirt::serve;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// A refusal must be an invalid-argument Status with a message.
bool refused(const Status& status) {
  check(status.ok() || (status.code == StatusCode::kInvalidArgument && !status.message.empty()));
  return !status.ok();
}

struct Fixture {
  ServedModel model;
  std::unique_ptr<BatchRunner> runner;
  std::shared_ptr<PendingRequest> companion;  // a valid 1-D request
};

Fixture& fixture() {
  static Fixture* f = [] {
    auto* fx = new Fixture;
    std::vector<LoadedModel> loaded = load_model_directory(MINIRT_FUZZ_SERVE_MODELS);
    check(loaded.size() == 1 && loaded[0].model->tokenizer() != nullptr);
    static_cast<LoadedModel&>(fx->model) = std::move(loaded[0]);
    fx->runner = std::make_unique<BatchRunner>(
        fx->model.model, minirt::SessionOptions{.threads = 1}, fx->model.outputs);
    fx->companion = std::make_shared<PendingRequest>();
    std::vector<RawInput> inputs = {{"input_ids", "INT64", {3}, {2, 5, 3}, {}}};
    check(decode_tokens(fx->model, inputs, &fx->companion->tokens).ok());
    return fx;
  }();
  return *f;
}

// Each result of a run: ok, and every output shaped as its request asked.
void check_results(const std::vector<InferResult>& results,
                   const std::vector<std::shared_ptr<PendingRequest>>& batch,
                   const ServedModel& model) {
  check(results.size() == batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    const TokenBlock& t = batch[i]->tokens;
    const std::vector<std::string>& asked = batch[i]->requested_outputs;
    check(results[i].status.ok());
    size_t wanted = 0;
    for (const OutputInfo& o : model.outputs)
      wanted += asked.empty() || std::find(asked.begin(), asked.end(), o.name) != asked.end();
    check(results[i].outputs.size() == wanted);
    for (const OutputTensor& out : results[i].outputs) {
      const auto info = std::find_if(model.outputs.begin(), model.outputs.end(),
                                     [&](const OutputInfo& o) { return o.name == out.name; });
      check(info != model.outputs.end());
      std::vector<int64_t> shape;
      if (!t.one_d) shape.push_back(t.rows);
      if (info->per_token) shape.push_back(t.seq);
      shape.insert(shape.end(), info->inner_shape.begin(), info->inner_shape.end());
      check(out.shape == shape);
      check(out.data.size() ==
            static_cast<size_t>(t.rows * (info->per_token ? t.seq : 1) * info->inner_numel()));
    }
  }
}

// The server's internal request from the bytes; false when a parser refused them.
bool parse(const uint8_t* data, size_t size, InferCall* call) {
  const uint8_t mode = data[0] == 'J' || data[0] == 'B' || data[0] == 'G'
                           ? data[0]
                           : static_cast<uint8_t>("JBG"[data[0] % 3]);
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  if (mode == 'G') {
    inference::ModelInferRequest message;
    if (!message.ParseFromArray(rest.data(), static_cast<int>(rest.size()))) return false;
    return !refused(decode_grpc_infer(message, call));
  }
  HttpInferRequest request;
  Status status;
  if (mode == 'J') {
    status = decode_http_infer(rest, nullptr, "tiny", &request);
  } else {
    const auto [field, body] = minirt::fuzz::split_input(data + 1, size - 1);
    const std::string header_length(field);
    status = decode_http_infer(body, &header_length, "tiny", &request);
  }
  if (refused(status)) return false;
  *call = std::move(request.call);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Fixture& fx = fixture();
  InferCall call;
  if (!parse(data, size, &call)) return 0;

  auto request = std::make_shared<PendingRequest>();
  if (refused(decode_tokens(fx.model, call.inputs, &request->tokens))) return 0;
  if (refused(check_requested_outputs(fx.model, call.requested_outputs))) return 0;
  const TokenBlock& t = request->tokens;
  const minirt::ModelSummary& s = fx.model.summary;
  check(t.rows >= 1 && t.rows <= s.max_batch && t.seq >= 1 && t.seq <= s.max_seq);
  check(t.input_ids.size() == static_cast<size_t>(t.rows * t.seq));
  check(t.attention_mask.empty() || t.attention_mask.size() == t.input_ids.size());
  check(t.token_type_ids.empty() || t.token_type_ids.size() == t.input_ids.size());
  check(t.lengths.empty() || t.lengths.size() == static_cast<size_t>(t.rows));
  request->requested_outputs = std::move(call.requested_outputs);

  const std::vector<std::shared_ptr<PendingRequest>> alone = {request};
  check_results(fx.runner->execute(alone), alone, fx.model);
  // Behind another request, as the batcher would cut it: within the model's
  // max batch and token budget.
  BatchCost cost(fx.model.summary.ragged_refusal.empty());
  cost.add(fx.companion->tokens);
  cost.add(t);
  if (cost.rows() > s.max_batch || cost.tokens() > s.max_tokens) return 0;
  const std::vector<std::shared_ptr<PendingRequest>> batch = {fx.companion, request};
  check_results(fx.runner->execute(batch), batch, fx.model);
  return 0;
}
