// Session: validates a request, hands it to its backend, exposes the outputs.
#include <vector>

#include "runtime/session/backend.h"
#include "runtime/session/input_check.h"

namespace minirt {

struct Session::Impl {
  std::shared_ptr<const Model> model;
  std::unique_ptr<Backend> backend;
  std::vector<const int64_t*> graph_inputs;  // sized once: run() never allocates
  std::vector<OutputView> outputs;
};

Session::Session(std::shared_ptr<const Model> model, SessionOptions options)
    : impl_(std::make_unique<Impl>()) {
  if (!model) throw Error("Session needs a loaded model");
  if (options.threads < 1 || options.threads > 1024)
    throw Error("threads must be in 1..1024, got " + std::to_string(options.threads));
  const Model::Impl& m = model->impl();
  impl_->backend = make_cpu_backend(m, options);
  impl_->graph_inputs.assign(m.inputs.size(), nullptr);
  impl_->outputs.resize(m.outputs.size());
  for (size_t i = 0; i < m.outputs.size(); ++i)
    impl_->outputs[i].name = m.values[static_cast<size_t>(m.outputs[i])].name.c_str();
  impl_->model = std::move(model);
}

Session::~Session() = default;

const char* precision_name(Precision precision) {
  return matmul_precision_name(matmul_precision(precision));
}

bool precision_from_name(const std::string& name, Precision* precision) {
  for (Precision candidate : {Precision::kFloat32, Precision::kBFloat16, Precision::kInt8}) {
    if (name == precision_name(candidate)) {
      *precision = candidate;
      return true;
    }
  }
  return false;
}

std::span<const OutputView> Session::run(const Inputs& inputs) {
  const Model::Impl& m = impl_->model->impl();
  const RunShape shape = check_inputs(m, inputs, impl_->graph_inputs);
  impl_->backend->run(shape, impl_->graph_inputs);
  for (size_t i = 0; i < m.outputs.size(); ++i) {
    OutputView& view = impl_->outputs[i];
    const ValueInfo& value = m.values[static_cast<size_t>(m.outputs[i])];
    view.data = impl_->backend->output(i);
    view.rank = static_cast<int>(value.shape.size());
    for (size_t d = 0; d < value.shape.size(); ++d) view.shape[d] = value.shape[d].eval(shape);
  }
  return impl_->outputs;
}

std::span<const OpProfile> Session::op_profile() const { return impl_->backend->op_profile(); }

void Session::clear_op_profile() { impl_->backend->clear_op_profile(); }

const char* Session::isa() const { return impl_->backend->name(); }

size_t Session::arena_bytes() const { return impl_->backend->arena_bytes(); }

}  // namespace minirt
