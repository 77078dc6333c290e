// Executes one batch of requests on one Session: the only place that knows how
// a batch becomes a library call. Today it pads every sequence of the batch to
// the longest and calls Session::run, then splits the outputs back per
// request; a ragged run (no padding) replaces the body of execute() and
// batch_cost() and nothing else.
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

// The tokens a batch costs against the token budget: padded, rows x longest.
int64_t batch_cost(int64_t rows, int64_t longest_seq);

class BatchRunner {
 public:
  BatchRunner(std::shared_ptr<const Model> model, const SessionOptions& options,
              std::vector<OutputInfo> outputs);

  // One result per request, in order. A failed run fails every request of the
  // batch with the library's message (inputs were validated before queueing,
  // so this is an internal error).
  std::vector<InferResult> execute(std::span<const std::shared_ptr<PendingRequest>> batch);

 private:
  Session session_;
  std::vector<OutputInfo> outputs_;
  // Reused across batches: the padded [rows, longest] inputs.
  std::vector<int64_t> ids_, mask_, types_;
};

}  // namespace minirt::serve
