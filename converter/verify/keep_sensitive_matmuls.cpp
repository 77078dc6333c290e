#include "converter/verify/keep_sensitive_matmuls.h"

#include <algorithm>
#include <stdexcept>

#include "common/precision_report.h"
#include "converter/emit/model_writer.h"
#include "converter/ir/op_types.h"

namespace minirt::converter {
namespace {

// The lowest row cosine of the graph, written as a file would be.
class Trial {
 public:
  Trial(const EmitOptions& options, const std::string& refs_dir, Precision precision)
      : options_(options), cases_(read_ref_case_inputs(refs_dir)), precision_(precision) {}

  double min_cosine(const ir::Graph& graph) const {
    const flatbuffers::DetachedBuffer bytes = build_model_buffer(graph, options_);
    const std::shared_ptr<const Model> model =
        Model::load_from_memory({bytes.data(), bytes.size()}, "--min-cosine trial");
    return compare_with_fp32(model, precision_, cases_, 1).min_cosine();
  }

 private:
  const EmitOptions& options_;
  std::vector<RefCaseInputs> cases_;
  Precision precision_;
};

bool keepable(const ir::Op& op) { return op.type == ir::op_name(fb::OpParams::MatMul); }

}  // namespace

KeepResult keep_sensitive_matmuls(ir::Graph& graph, const EmitOptions& options,
                                  const std::string& refs_dir, double min_cosine) {
  const bool int8 = precision_supported(Precision::kInt8);
  const bool bf16 = precision_supported(Precision::kBFloat16);
  if (!int8 && !bf16)
    throw std::runtime_error("--min-cosine: this CPU runs no reduced precision to check");
  const Trial trial(options, refs_dir, int8 ? Precision::kInt8 : Precision::kBFloat16);
  KeepResult result;
  result.precision = int8 ? "int8" : "bf16";
  result.cosine_before = result.cosine_after = trial.min_cosine(graph);
  if (result.cosine_before >= min_cosine) return result;

  struct Candidate {
    size_t op;
    double cosine;
  };
  std::vector<Candidate> candidates;
  for (size_t i = 0; i < graph.ops.size(); ++i) {
    ir::Op& op = graph.ops[i];
    if (!keepable(op)) continue;
    op.attrs.set("precision_floor", std::string("F32"));
    candidates.push_back({i, trial.min_cosine(graph)});
    op.attrs.set("precision_floor", std::string("Any"));
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.cosine > b.cosine; });
  std::vector<Candidate> kept;
  for (const Candidate& c : candidates) {
    graph.ops[c.op].attrs.set("precision_floor", std::string("F32"));
    kept.push_back(c);
    result.cosine_after = trial.min_cosine(graph);
    if (result.cosine_after >= min_cosine) break;
  }
  // bf16 is cheaper than fp32: relax each kept op where the floor still holds.
  if (int8 && bf16 && result.cosine_after >= min_cosine) {
    for (const Candidate& c : kept) {
      graph.ops[c.op].attrs.set("precision_floor", std::string("BF16"));
      const double cosine = trial.min_cosine(graph);
      if (cosine >= min_cosine)
        result.cosine_after = cosine;
      else
        graph.ops[c.op].attrs.set("precision_floor", std::string("F32"));
    }
  }
  for (const Candidate& c : kept) {
    const ir::Op& op = graph.ops[c.op];
    result.kept.push_back({op.name, op.attrs.get_string("precision_floor"), c.cosine});
  }
  return result;
}

}  // namespace minirt::converter
