// Session: validates a request, hands it to its backend, exposes the outputs.
// Only minirt::Error leaves it (api_errors.h).
#include <vector>

#include "minirt/tokenizer.h"
#include "runtime/model/api_errors.h"
#include "runtime/session/backend.h"
#include "runtime/session/input_check.h"

namespace minirt {

struct Session::Impl {
  std::shared_ptr<const Model> model;
  std::unique_ptr<Backend> backend;
  std::vector<const int64_t*> graph_inputs;  // sized once: run() never allocates
  std::vector<OutputView> outputs;
  std::vector<int32_t> offsets;  // a ragged run's cu_seqlens as int32: max_tokens + 1
};

namespace {

std::unique_ptr<Session::Impl> make_session(std::shared_ptr<const Model> model,
                                            const SessionOptions& options) {
  if (!model) throw Error("Session needs a loaded model");
  if (options.threads < 1 || options.threads > 1024)
    throw Error("threads must be in 1..1024, got " + std::to_string(options.threads));
  auto session = std::make_unique<Session::Impl>();
  const Model::Impl& m = model->impl();
  session->backend = make_backend(m, options);
  session->graph_inputs.assign(m.inputs.size(), nullptr);
  session->outputs.resize(m.outputs.size());
  if (m.ragged_refusal.empty()) session->offsets.resize(static_cast<size_t>(m.max_tokens) + 1);
  for (size_t i = 0; i < m.outputs.size(); ++i)
    session->outputs[i].name = m.values[static_cast<size_t>(m.outputs[i])].name.c_str();
  session->model = std::move(model);
  return session;
}

std::span<const OutputView> run_checked(Session::Impl& session, const RunShape& shape) {
  const Model::Impl& m = session.model->impl();
  session.backend->run(shape, session.graph_inputs);
  for (size_t i = 0; i < m.outputs.size(); ++i) {
    OutputView& view = session.outputs[i];
    const ValueInfo& value = m.values[static_cast<size_t>(m.outputs[i])];
    const OutputData out = session.backend->output(i);
    if (out.space != MemorySpace::kHost)
      throw Error("backend " + std::string(session.backend->name()) + " returned output '" +
                  view.name + "' in device memory; outputs are host floats");
    view.data = out.data;
    view.rank = value.dims(shape, view.shape.data());  // outputs are within kMaxRank
  }
  return session.outputs;
}

}  // namespace

Session::Session(std::shared_ptr<const Model> model, SessionOptions options)
    : impl_(rethrow_as_error([&] { return make_session(std::move(model), options); })) {}

Session::~Session() = default;

std::span<const OutputView> Session::run(const Inputs& inputs) {
  return rethrow_as_error([&] {
    return run_checked(*impl_, check_inputs(impl_->model->impl(), inputs, impl_->graph_inputs));
  });
}

std::span<const OutputView> Session::run_ragged(const RaggedInputs& inputs) {
  return rethrow_as_error([&] {
    return run_checked(*impl_, check_ragged_inputs(impl_->model->impl(), inputs,
                                                   impl_->graph_inputs, impl_->offsets));
  });
}

std::span<const OutputView> Session::run_texts(std::span<const std::string> texts,
                                               std::span<const std::string> pairs) {
  return rethrow_as_error([&] {
    const Tokenizer* tokenizer = impl_->model->tokenizer();
    if (!tokenizer) {
      throw Error(
          "this model has no tokenizer: give token ids, or convert it with one (minirt-convert "
          "--hf DIR with tokenizer files, or --tokenizer DIR)");
    }
    // Padded, so that outputs keep Session::run's [batch, seq, ...] layout.
    const PaddedBatch batch = tokenizer->pad(tokenizer->encode_batch(texts, pairs));
    return run(batch.inputs());
  });
}

std::span<const OutputView> Session::run_text(std::string_view text) {
  const std::string texts[] = {std::string(text)};
  return run_texts(texts);
}

std::span<const OutputView> Session::run_text(std::string_view text, std::string_view pair) {
  const std::string texts[] = {std::string(text)}, pairs[] = {std::string(pair)};
  return run_texts(texts, pairs);
}

std::span<const OpProfile> Session::op_profile() const { return impl_->backend->op_profile(); }

void Session::clear_op_profile() { impl_->backend->clear_op_profile(); }

const char* Session::isa() const { return impl_->backend->name(); }

size_t Session::arena_bytes() const { return impl_->backend->arena_bytes(); }

void set_run_observer(Session& session, RunObserver* observer) {
  session.impl_->backend->set_observer(observer);
}

}  // namespace minirt
