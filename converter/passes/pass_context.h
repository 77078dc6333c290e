// What every ONNX pass works on: the graph, the probe facts of the values the
// importer made, and the log --explain prints. Passes rewrite ops in place
// (a fused op takes over the op that produced the pattern's output value, so
// op order and value ids stay valid) and leave the ops they made dead to
// eliminate_dead_ops.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "converter/import/onnx/probe_runs.h"
#include "converter/ir/graph.h"

namespace minirt::converter::passes {

struct PassContext {
  ir::Graph& g;
  const onnx::ProbeFacts& facts;
  std::vector<std::string>& log;  // one line per fusion that fired, and why others did not
};

// Producers and consumers of each value, rebuilt by each pass before it matches.
class GraphIndex {
 public:
  explicit GraphIndex(const ir::Graph& g);

  // The op writing `id`, or nullptr for inputs, weights and absent values.
  const ir::Op* producer(int id) const;
  int producer_index(int id) const;
  // The op writing `id` when it is the ONNX op `type`, else nullptr.
  const ir::Op* onnx_producer(int id, std::string_view type) const;
  int use_count(int id) const;

 private:
  std::vector<int> producer_;
  std::vector<int> uses_;
  const ir::Graph& g_;
};

bool is_weight(const ir::Graph& g, int id);
// The single value of a one-element numeric weight.
std::optional<double> scalar_weight(const ir::Graph& g, int id);
// A weight's values as floats (f32 or i64).
std::vector<float> weight_floats(const ir::Graph& g, int id);
// Constant dims of a value; empty when any dim is symbolic.
std::vector<int64_t> const_dims(const ir::Shape& shape);
// Values equal within a relative tolerance suited to float32 constants.
bool close_to(double value, double expected);

// The one dim factor * batch^a * seq^b (a, b in {0, 1}) that takes `sizes`
// at the probes (one entry per probe), constant first; nullopt when none does.
std::optional<ir::Dim> fit_dim(const std::vector<int64_t>& sizes);

// Adds an f32 weight holding `values` and returns its id.
int add_f32_weight(ir::Graph& g, const std::string& name, const std::vector<int64_t>& dims,
                   std::vector<float> values);
int add_f32_value(ir::Graph& g, const std::string& name, ir::Shape shape);

}  // namespace minirt::converter::passes
