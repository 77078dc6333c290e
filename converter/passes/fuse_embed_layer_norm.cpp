#include "converter/import/onnx/onnx_import.h"
#include "converter/ir/op_types.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {
namespace {

// The graph input named `name` (the runtime's input contract), or -1.
int graph_input(const ir::Graph& g, std::string_view name) {
  for (int id : g.inputs) {
    if (g.values[id].name == name) return id;
  }
  return -1;
}

void add_leaves(const ir::Graph& g, const GraphIndex& index, int id, std::vector<int>& leaves) {
  const ir::Op* add = index.onnx_producer(id, "Add");
  if (add == nullptr || index.use_count(id) != 1 || leaves.size() > 3) {
    leaves.push_back(id);
    return;
  }
  add_leaves(g, index, add->inputs[0], leaves);
  add_leaves(g, index, add->inputs[1], leaves);
}

// At every probe, `id` holds 0..seq-1 as [seq] or [1, seq], whatever the inputs.
bool is_position_ids(const onnx::ProbeFacts& facts, int id) {
  const onnx::ValueFacts* f = facts.find(id);
  if (f == nullptr || f->content_deps != 0 || !f->has_data()) return false;
  for (size_t p = 0; p < f->at_probe.size(); ++p) {
    const onnx::HostTensor& t = f->at_probe[p];
    const int64_t seq = onnx::kProbeSizes[p].seq;
    const bool shape_ok =
        t.dims == std::vector<int64_t>{seq} || t.dims == std::vector<int64_t>{1, seq};
    if (!shape_ok) return false;
    for (int64_t s = 0; s < seq; ++s) {
      if (t.at(static_cast<size_t>(s)) != static_cast<double>(s)) return false;
    }
  }
  return true;
}

struct Tables {
  int word = -1, position = -1, token_type = -1;
};

std::optional<Tables> match_tables(const PassContext& ctx, const GraphIndex& index, int sum) {
  std::vector<int> leaves;
  add_leaves(ctx.g, index, sum, leaves);
  if (leaves.size() != 3) return std::nullopt;
  Tables t;
  for (int leaf : leaves) {
    const ir::Op* gather = index.onnx_producer(leaf, "Gather");
    if (gather == nullptr || gather->attrs.get_int_or("axis", 0) != 0 ||
        !is_weight(ctx.g, gather->inputs[0])) {
      return std::nullopt;
    }
    const int ids = gather->inputs[1];
    const int table = gather->inputs[0];
    if (ids == graph_input(ctx.g, "input_ids")) {
      t.word = table;
    } else if (ids == graph_input(ctx.g, "token_type_ids")) {
      t.token_type = table;
    } else if (is_position_ids(ctx.facts, ids)) {
      t.position = table;
    }
  }
  if (t.word < 0 || t.position < 0 || t.token_type < 0) return std::nullopt;
  return t;
}

}  // namespace

void fuse_embed_layer_norm(PassContext& ctx) {
  const GraphIndex index(ctx.g);
  const int mask = graph_input(ctx.g, "attention_mask");
  for (ir::Op& op : ctx.g.ops) {
    if (onnx::onnx_op_type(op) != "LayerNormalization" || mask < 0 || op.inputs.size() != 3 ||
        op.attrs.get_int_or("axis", -1) != -1) {
      continue;
    }
    const std::optional<Tables> t = match_tables(ctx, index, op.inputs[0]);
    if (!t) continue;
    const int hidden = op.outputs[0];
    const int mask_bias = add_f32_value(ctx.g, ctx.g.values[hidden].name + ".mask_bias",
                                        {ir::kBatchDim, ir::kSeqDim});
    const float epsilon = op.attrs.get_float_or("epsilon", 1e-5f);
    op.type = ir::op_name(fb::OpParams::EmbedLayerNorm);
    op.inputs = {graph_input(ctx.g, "input_ids"),
                 graph_input(ctx.g, "token_type_ids"),
                 mask,
                 t->word,
                 t->position,
                 t->token_type,
                 op.inputs[1],
                 op.inputs[2]};
    op.outputs = {hidden, mask_bias};
    op.attrs = {};
    op.attrs.set("epsilon", epsilon);
    ctx.log.push_back(
        "fuse_embed_layer_norm: word + position + token-type Gather + LayerNorm -> EmbedLayerNorm");
    return;  // one embedding per model
  }
}

}  // namespace minirt::converter::passes
