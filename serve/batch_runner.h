// Executes one batch of requests on one Session: the only place that knows how
// a batch becomes a library call. Requests run as one padding-free (ragged)
// run (Session::run_ragged), each row as long as its attention mask's leading
// ones; a model that cannot run ragged (ModelSummary::ragged_refusal), a
// request whose mask has a token after padding, and a batch over the model's
// max_tokens run padded to the longest (Session::run) instead. Per-token
// outputs are 0 wherever the request's attention mask is 0, on both paths.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "minirt/minirt.h"
#include "serve/inference.h"

namespace minirt::serve {

// A model output as the server reports it: per token ([B,S,...]) or per
// sequence ([B,...]), and the numbers per token or sequence.
struct OutputInfo {
  std::string name;
  bool per_token = false;
  std::vector<int64_t> inner_shape;  // the dims after B (and S)
  int64_t inner_numel() const;
};

// Fills TokenBlock::lengths from the attention mask.
void measure_rows(TokenBlock& tokens);

// What a batch costs against the token budget: the sum of its requests'
// real tokens when the model runs ragged, rows x longest when it runs padded.
class BatchCost {
 public:
  explicit BatchCost(bool ragged) : ragged_(ragged) {}
  void add(const TokenBlock& tokens);
  int64_t rows() const { return rows_; }
  int64_t tokens() const { return ragged_ ? real_ : rows_ * longest_; }

 private:
  bool ragged_;
  int64_t rows_ = 0, longest_ = 0, real_ = 0;
};

class BatchRunner {
 public:
  BatchRunner(std::shared_ptr<const Model> model, const SessionOptions& options,
              std::vector<OutputInfo> outputs);

  // One result per request, in order. A failed run fails every request of the
  // batch with the library's message (inputs were validated before queueing,
  // so this is an internal error).
  std::vector<InferResult> execute(std::span<const std::shared_ptr<PendingRequest>> batch);

 private:
  using Batch = std::span<const std::shared_ptr<PendingRequest>>;
  // Each runs the requests `which` of the batch and fills their results.
  void run_ragged(Batch batch, const std::vector<size_t>& which, std::vector<InferResult>& results);
  void run_padded(Batch batch, const std::vector<size_t>& which, std::vector<InferResult>& results);

  Session session_;
  std::vector<OutputInfo> outputs_;
  const bool ragged_;
  const int64_t max_tokens_;
  // Reused across batches: the run's inputs.
  std::vector<int64_t> ids_, mask_, types_, cu_seqlens_;
};

}  // namespace minirt::serve
