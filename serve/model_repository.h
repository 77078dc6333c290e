// The models a server holds: every X.fb in the models directory, with its
// optional X.json (ModelConfig). A file that fails to load, verify, probe or
// configure is logged and skipped; the server starts with the rest.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "minirt/minirt.h"
#include "serve/batch_runner.h"
#include "serve/metrics.h"
#include "serve/model_batcher.h"
#include "serve/model_config.h"

namespace minirt::serve {

struct LoadedModel {
  std::string name;  // the file name without .fb
  ModelConfig config;
  std::shared_ptr<const Model> model;
  ModelSummary summary;
  std::vector<OutputInfo> outputs;  // in the order Session::run returns them
};

struct ServedModel : LoadedModel {
  std::unique_ptr<ModelBatcher> batcher;
};

// Loads every model of `dir` (sorted by name); logs each skipped file.
std::vector<LoadedModel> load_model_directory(const std::string& dir);

class ModelRepository {
 public:
  // Starts a batcher for each model (one whose sessions cannot be made is
  // logged and skipped); `metrics` must outlive the repository.
  ModelRepository(std::vector<LoadedModel> models, Metrics& metrics);

  const ServedModel* find(const std::string& name) const;  // nullptr: unknown
  std::vector<std::string> names() const;
  // Every model's batcher: refuse new requests, run the queued, stop.
  void drain();

 private:
  std::map<std::string, ServedModel> models_;
};

}  // namespace minirt::serve
