#include "converter/passes/passes.h"

namespace minirt::converter::passes {

void remove_dead_ops(ir::Graph& g) {
  std::vector<bool> used(g.values.size(), false);
  for (int id : g.outputs) used[id] = true;
  std::vector<bool> keep(g.ops.size(), false);
  for (size_t i = g.ops.size(); i-- > 0;) {
    for (int id : g.ops[i].outputs) keep[i] = keep[i] || used[id];
    if (!keep[i]) continue;
    for (int id : g.ops[i].inputs) {
      if (id != ir::kNoValue) used[id] = true;
    }
  }
  std::vector<ir::Op> kept;
  for (size_t i = 0; i < g.ops.size(); ++i) {
    if (keep[i]) kept.push_back(std::move(g.ops[i]));
  }
  g.ops = std::move(kept);
}

void compact_values(ir::Graph& g) {
  std::vector<int> new_id(g.values.size(), -1);
  std::vector<bool> used(g.values.size(), false);
  for (int id : g.inputs) used[id] = true;
  for (int id : g.outputs) used[id] = true;
  for (const ir::Op& op : g.ops) {
    for (int id : op.inputs) {
      if (id != ir::kNoValue) used[id] = true;
    }
    for (int id : op.outputs) used[id] = true;
  }
  std::vector<ir::Value> values;
  for (size_t id = 0; id < g.values.size(); ++id) {
    if (!used[id]) continue;
    new_id[id] = static_cast<int>(values.size());
    values.push_back(std::move(g.values[id]));
  }
  g.values = std::move(values);
  auto remap = [&](std::vector<int>& ids) {
    for (int& id : ids) id = id == ir::kNoValue ? id : new_id[id];
  };
  remap(g.inputs);
  remap(g.outputs);
  for (ir::Op& op : g.ops) {
    remap(op.inputs);
    remap(op.outputs);
  }
}

}  // namespace minirt::converter::passes
