#include "converter/passes/passes.h"

namespace minirt::converter::passes {
namespace {

bool same_at_every_probe(const onnx::ValueFacts& facts) {
  if (facts.content_deps != 0 || !facts.has_data()) return false;
  for (const onnx::HostTensor& t : facts.at_probe) {
    if (!t.same_data(facts.at_probe[0])) return false;
  }
  return true;
}

}  // namespace

void fold_constants(PassContext& ctx) {
  std::vector<ir::Op> kept;
  size_t folded = 0;
  for (ir::Op& op : ctx.g.ops) {
    bool all = true;
    for (int id : op.outputs) {
      all &= ctx.g.values[id].kind == ir::ValueKind::kIntermediate &&
             same_at_every_probe(ctx.facts.values[id]);
    }
    if (!all) {
      kept.push_back(std::move(op));
      continue;
    }
    for (int id : op.outputs) {
      ir::Value& value = ctx.g.values[id];
      value.kind = ir::ValueKind::kWeight;
      value.data = ctx.facts.values[id].at_probe[0].bytes;
    }
    ++folded;
  }
  ctx.g.ops = std::move(kept);
  ctx.log.push_back("fold_constants: " + std::to_string(folded) + " ops folded into constants");
}

}  // namespace minirt::converter::passes
