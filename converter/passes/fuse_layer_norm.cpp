#include "converter/import/onnx/onnx_import.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {
namespace {

// The other operand of a commutative op when one operand is a weight.
struct WeightOperand {
  int other = -1, weight = -1;
};
std::optional<WeightOperand> split_weight(const ir::Graph& g, const ir::Op& op) {
  if (op.inputs.size() != 2) return std::nullopt;
  if (is_weight(g, op.inputs[1]) && !is_weight(g, op.inputs[0]))
    return WeightOperand{op.inputs[0], op.inputs[1]};
  if (is_weight(g, op.inputs[0]) && !is_weight(g, op.inputs[1]))
    return WeightOperand{op.inputs[1], op.inputs[0]};
  return std::nullopt;
}

// ReduceMean over the last axis only, keeping dims.
bool is_last_axis_mean(const ir::Graph& g, const ir::Op* op) {
  if (op == nullptr || op->attrs.get_int_or("keepdims", 1) != 1) return false;
  std::vector<int64_t> axes;
  if (op->attrs.has("axes")) {
    axes = op->attrs.get_ints("axes");
  } else if (op->inputs.size() > 1 && is_weight(g, op->inputs[1])) {
    for (float a : weight_floats(g, op->inputs[1])) axes.push_back(static_cast<int64_t>(a));
  }
  const int64_t rank = static_cast<int64_t>(g.values[op->inputs[0]].shape.size());
  return axes.size() == 1 && (axes[0] == -1 || axes[0] == rank - 1);
}

struct LayerNormMatch {
  int x, gamma, beta;
  float epsilon;
};

// out = (x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps) * gamma + beta
std::optional<LayerNormMatch> match(const ir::Graph& g, const GraphIndex& index,
                                    const ir::Op& add) {
  const auto beta = split_weight(g, add);
  if (!beta) return std::nullopt;
  const ir::Op* mul = index.onnx_producer(beta->other, "Mul");
  const auto gamma = mul ? split_weight(g, *mul) : std::nullopt;
  const ir::Op* div = gamma ? index.onnx_producer(gamma->other, "Div") : nullptr;
  if (div == nullptr) return std::nullopt;
  const ir::Op* centered = index.onnx_producer(div->inputs[0], "Sub");
  const ir::Op* sqrt = index.onnx_producer(div->inputs[1], "Sqrt");
  if (centered == nullptr || sqrt == nullptr) return std::nullopt;
  const int x = centered->inputs[0];
  if (!is_last_axis_mean(g, index.onnx_producer(centered->inputs[1], "ReduceMean")) ||
      index.onnx_producer(centered->inputs[1], "ReduceMean")->inputs[0] != x) {
    return std::nullopt;
  }
  const ir::Op* add_eps = index.onnx_producer(sqrt->inputs[0], "Add");
  const auto eps = add_eps ? split_weight(g, *add_eps) : std::nullopt;
  const ir::Op* var = eps ? index.onnx_producer(eps->other, "ReduceMean") : nullptr;
  if (!is_last_axis_mean(g, var)) return std::nullopt;
  const ir::Op* square = index.onnx_producer(var->inputs[0], "Pow");
  const std::optional<double> eps_value = scalar_weight(g, eps->weight);
  if (square == nullptr || square->inputs[0] != div->inputs[0] || !eps_value ||
      scalar_weight(g, square->inputs[1]) != 2.0) {
    return std::nullopt;
  }
  return LayerNormMatch{x, gamma->weight, beta->weight, static_cast<float>(*eps_value)};
}

}  // namespace

void fuse_layer_norm(PassContext& ctx) {
  const GraphIndex index(ctx.g);
  int fused = 0;
  for (ir::Op& op : ctx.g.ops) {
    if (onnx::onnx_op_type(op) != "Add") continue;
    const std::optional<LayerNormMatch> m = match(ctx.g, index, op);
    if (!m) continue;
    op.type = std::string(onnx::kOnnxPrefix) + "LayerNormalization";
    op.inputs = {m->x, m->gamma, m->beta};
    op.attrs = {};
    op.attrs.set("axis", int64_t{-1});
    op.attrs.set("epsilon", m->epsilon);
    ++fused;
  }
  if (fused > 0)
    ctx.log.push_back("fuse_layer_norm: " + std::to_string(fused) +
                      " decomposed LayerNorms -> LayerNormalization");
}

}  // namespace minirt::converter::passes
