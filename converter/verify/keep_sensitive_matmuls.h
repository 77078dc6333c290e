// minirt-convert --min-cosine X: keep the MatMuls a reduced
// precision hurts most out of it, until every output's row cosine against
// fp32 holds X on the reference cases (common/precision_report.h).
#pragma once

#include <string>
#include <vector>

#include "converter/emit/emit_options.h"
#include "converter/ir/graph.h"

namespace minirt::converter {

struct KeptOp {
  std::string name;
  std::string floor;    // "BF16" or "F32": the PrecisionFloor written
  double cosine_alone;  // the lowest cosine with only this op kept in fp32
};

struct KeepResult {
  std::string precision;  // the reduced precision checked: "int8", else "bf16"
  double cosine_before = 1, cosine_after = 1;
  std::vector<KeptOp> kept;  // in the order they were kept
};

// Sets "precision_floor" on the MatMuls it keeps. Greedy: each MatMul alone
// in fp32 ranks them by the cosine that gives; they are kept in that
// order (most helpful first) until min_cosine holds; each kept op is then
// relaxed to bf16 where the floor still holds (and the CPU has bf16).
// Throws when this CPU runs no reduced precision or a case does not run.
KeepResult keep_sensitive_matmuls(ir::Graph& graph, const EmitOptions& options,
                                  const std::string& refs_dir, double min_cosine);

}  // namespace minirt::converter
