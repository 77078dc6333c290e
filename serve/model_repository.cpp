#include "serve/model_repository.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "serve/log.h"

namespace minirt::serve {

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One run at [1, 2] tells each output's layout (rank 3: per token, rank 2: per
// sequence) and proves the model runs before it is served.
std::vector<OutputInfo> probe_outputs(const std::shared_ptr<const Model>& model,
                                      const ModelConfig& config) {
  Session session(model, {.threads = 1, .precision = config.precision});
  const int64_t ids[2] = {0, 0};
  Inputs inputs;
  inputs.input_ids = Int64Tensor(ids, {1, 2});
  std::vector<OutputInfo> outputs;
  for (const OutputView& view : session.run(inputs)) {
    OutputInfo info{view.name, view.rank == 3, {}};
    if (view.rank < 2 || view.rank > 3 || view.shape[0] != 1 ||
        (info.per_token && view.shape[1] != 2))
      throw Error(std::string("output '") + view.name + "' is neither [B,S,...] nor [B,...]");
    for (int d = info.per_token ? 2 : 1; d < view.rank; ++d)
      info.inner_shape.push_back(view.shape[d]);
    outputs.push_back(std::move(info));
  }
  return outputs;
}

LoadedModel load_one(const std::filesystem::path& fb) {
  LoadedModel m;
  m.name = fb.stem().string();
  const std::filesystem::path config_path = std::filesystem::path(fb).replace_extension(".json");
  if (std::filesystem::exists(config_path))
    m.config = parse_model_config(read_text(config_path), config_path.string());
  if (!precision_supported(m.config.precision))
    throw Error(std::string("precision ") + precision_name(m.config.precision) +
                " has no kernels on this CPU");
  m.model = Model::load(fb.string());
  m.summary = m.model->summary();
  m.outputs = probe_outputs(m.model, m.config);
  return m;
}

}  // namespace

std::vector<LoadedModel> load_model_directory(const std::string& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".fb") files.push_back(entry.path());
  if (ec) throw Error("--models " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<LoadedModel> models;
  for (const auto& fb : files) {
    try {
      models.push_back(load_one(fb));
      const LoadedModel& m = models.back();
      log_event("info", "model_loaded",
                {{"model", m.name},
                 {"path", fb.string()},
                 {"max_batch", m.summary.max_batch},
                 {"max_seq", m.summary.max_seq},
                 {"max_tokens", m.summary.max_tokens},
                 {"ragged", m.summary.ragged_refusal.empty()},
                 {"instances", m.config.instances},
                 {"precision", precision_name(m.config.precision)},
                 {"bf16_attention", m.config.bf16_attention}});
    } catch (const std::exception& e) {
      log_event("error", "model_skipped", {{"path", fb.string()}, {"message", e.what()}});
    }
  }
  return models;
}

ModelRepository::ModelRepository(std::vector<LoadedModel> models, Metrics& metrics) {
  for (LoadedModel& m : models) {
    try {
      std::vector<std::unique_ptr<BatchRunner>> runners;
      for (int i = 0; i < m.config.instances; ++i)
        runners.push_back(
            std::make_unique<BatchRunner>(m.model,
                                          SessionOptions{.threads = m.config.threads_per_instance,
                                                         .precision = m.config.precision,
                                                         .bf16_attention = m.config.bf16_attention},
                                          m.outputs));
      const BatchLimits limits{
          .max_rows = m.summary.max_batch,
          .max_tokens = std::min(m.config.max_batch_tokens, m.summary.max_tokens),
          .ragged = m.summary.ragged_refusal.empty(),
          .max_requests = m.config.max_batch_requests,
          .max_delay = std::chrono::duration_cast<Clock::duration>(
              std::chrono::duration<double, std::milli>(m.config.max_queue_delay_ms))};
      auto batcher = std::make_unique<ModelBatcher>(m.name, std::move(runners), limits,
                                                    m.config.max_queue, metrics);
      ServedModel& served = models_[m.name];
      static_cast<LoadedModel&>(served) = std::move(m);
      served.batcher = std::move(batcher);
    } catch (const std::exception& e) {
      log_event("error", "model_skipped", {{"model", m.name}, {"message", e.what()}});
    }
  }
}

const ServedModel* ModelRepository::find(const std::string& name) const {
  const auto it = models_.find(name);
  return it == models_.end() ? nullptr : &it->second;
}

std::vector<std::string> ModelRepository::names() const {
  std::vector<std::string> out;
  for (const auto& [name, m] : models_) out.push_back(name);
  return out;
}

void ModelRepository::drain() {
  for (auto& [name, m] : models_) m.batcher->drain();
}

}  // namespace minirt::serve
