#include <limits>

#include "converter/import/onnx/onnx_import.h"
#include "converter/ir/input_quantization.h"
#include "converter/ir/op_types.h"
#include "converter/passes/mul_tree.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {
namespace {

constexpr float kLowest = std::numeric_limits<float>::lowest();

struct HeadSplit {
  const ir::Op* linear;  // the fused MatMul projecting to [B,S,heads*head_dim]
  int64_t heads, head_dim;
};

// Transpose(perm)(Reshape(linear, [B,S,heads,head_dim])) over a plain fused MatMul.
std::optional<HeadSplit> match_head_split(const ir::Graph& g, const GraphIndex& index, int id,
                                          const std::vector<int64_t>& perm) {
  const ir::Op* transpose = index.onnx_producer(id, "Transpose");
  if (transpose == nullptr || !transpose->attrs.has("perm") ||
      transpose->attrs.get_ints("perm") != perm) {
    return std::nullopt;
  }
  const ir::Op* reshape = index.onnx_producer(transpose->inputs[0], "Reshape");
  if (reshape == nullptr) return std::nullopt;
  const ir::Shape& split = g.values[reshape->outputs[0]].shape;
  const ir::Op* linear = index.producer(reshape->inputs[0]);
  if (split.size() != 4 || split[0] != ir::kBatchDim || split[1] != ir::kSeqDim ||
      !split[2].is_constant() || !split[3].is_constant() || linear == nullptr ||
      linear->type != ir::op_name(fb::OpParams::MatMul) ||
      linear->attrs.get_string("activation") != ir::activation_name(fb::Activation::None) ||
      linear->inputs[3] != ir::kNoValue || linear->inputs[2] == ir::kNoValue) {
    return std::nullopt;
  }
  return HeadSplit{linear, split[2].factor, split[3].factor};
}

// At every probe, `id` is the additive mask bias of the attention_mask input
// (0 where it is 1, float32 lowest where 0) broadcast over [B,1,1|S,S].
bool is_mask_bias(const PassContext& ctx, int id) {
  const onnx::ValueFacts* f = ctx.facts.find(id);
  int mask_index = -1;
  for (size_t i = 0; i < ctx.g.inputs.size(); ++i) {
    if (ctx.g.values[ctx.g.inputs[i]].name == "attention_mask") mask_index = static_cast<int>(i);
  }
  if (f == nullptr || mask_index < 0 || f->content_deps != (1u << mask_index) || !f->has_data())
    return false;
  for (size_t p = 0; p < f->at_probe.size(); ++p) {
    const onnx::HostTensor& t = f->at_probe[p];
    const onnx::HostTensor& mask = ctx.facts.inputs[p][static_cast<size_t>(mask_index)];
    const int64_t batch = onnx::kProbeSizes[p].batch, seq = onnx::kProbeSizes[p].seq;
    if (t.rank() != 4 || t.dims[0] != batch || t.dims[1] != 1 ||
        (t.dims[2] != 1 && t.dims[2] != seq) || t.dims[3] != seq) {
      return false;
    }
    for (size_t e = 0; e < static_cast<size_t>(t.count()); ++e) {
      const int64_t k = static_cast<int64_t>(e) % seq,
                    b = static_cast<int64_t>(e) / (t.dims[2] * seq);
      const double expected = mask.at(static_cast<size_t>(b * seq + k)) != 0 ? 0.0 : kLowest;
      if (t.at(e) != expected) return false;
    }
  }
  return true;
}

struct AttentionMatch {
  HeadSplit q, k, v;
  float scale;
};

std::optional<AttentionMatch> match(const PassContext& ctx, const GraphIndex& index,
                                    const ir::Op& merge) {
  const ir::Graph& g = ctx.g;
  const ir::Op* transpose = index.onnx_producer(merge.inputs[0], "Transpose");
  const ir::Op* context = transpose ? index.onnx_producer(transpose->inputs[0], "MatMul") : nullptr;
  if (context == nullptr || transpose->attrs.get_ints("perm") != std::vector<int64_t>{0, 2, 1, 3}) {
    return std::nullopt;
  }
  const ir::Op* softmax = index.onnx_producer(context->inputs[0], "Softmax");
  const std::optional<HeadSplit> v = match_head_split(g, index, context->inputs[1], {0, 2, 1, 3});
  if (softmax == nullptr || !v) return std::nullopt;
  const int64_t axis = softmax->attrs.get_int_or("axis", -1);
  const ir::Op* masked = index.onnx_producer(softmax->inputs[0], "Add");
  if ((axis != -1 && axis != 3) || masked == nullptr) return std::nullopt;
  for (int i = 0; i < 2; ++i) {
    if (!is_mask_bias(ctx, masked->inputs[1 - i])) continue;
    const Product scaled = product_of(g, index, masked->inputs[i]);
    const ir::Op* scores =
        scaled.factors.size() == 1 ? index.onnx_producer(scaled.factors[0], "MatMul") : nullptr;
    if (scores == nullptr) return std::nullopt;
    const std::optional<HeadSplit> q = match_head_split(g, index, scores->inputs[0], {0, 2, 1, 3});
    const std::optional<HeadSplit> k = match_head_split(g, index, scores->inputs[1], {0, 2, 3, 1});
    if (!q || !k) return std::nullopt;
    return AttentionMatch{*q, *k, *v, static_cast<float>(scaled.constant)};
  }
  return std::nullopt;
}

bool consistent(const ir::Graph& g, const AttentionMatch& m, const ir::Op& merge) {
  const int64_t width = m.q.heads * m.q.head_dim;
  const ir::Shape out = {ir::kBatchDim, ir::kSeqDim, ir::const_dim(width)};
  for (const HeadSplit* s : {&m.k, &m.v}) {
    // One packed MatMul has one input quantization (a shared QDQ pair gives it).
    if (s->heads != m.q.heads || s->head_dim != m.q.head_dim ||
        s->linear->inputs[0] != m.q.linear->inputs[0] ||
        ir::input_quantization(*s->linear) != ir::input_quantization(*m.q.linear)) {
      return false;
    }
  }
  // The Q weight's rows (empty dims when any is symbolic: no match).
  const std::vector<int64_t> q_weight = const_dims(g.values[m.q.linear->inputs[1]].shape);
  return g.values[merge.outputs[0]].shape == out && !q_weight.empty() && q_weight[0] == width;
}

// Q, K and V weights stacked along N into [3H, K], biases into [3H].
void pack_qkv(ir::Graph& g, const AttentionMatch& m, ir::Op& q_op, int qkv) {
  std::vector<float> w, b;
  for (const HeadSplit* s : {&m.q, &m.k, &m.v}) {
    const std::vector<float> sw = weight_floats(g, s->linear->inputs[1]);
    const std::vector<float> sb = weight_floats(g, s->linear->inputs[2]);
    w.insert(w.end(), sw.begin(), sw.end());
    b.insert(b.end(), sb.begin(), sb.end());
  }
  const std::vector<int64_t> dims = const_dims(g.values[m.q.linear->inputs[1]].shape);
  const std::string name = g.values[qkv].name;
  const int weight = add_f32_weight(g, name + ".weight", {3 * dims[0], dims[1]}, std::move(w));
  const int bias = add_f32_weight(g, name + ".bias", {3 * dims[0]}, std::move(b));
  q_op.inputs = {q_op.inputs[0], weight, bias, ir::kNoValue};
  q_op.outputs = {qkv};
}

}  // namespace

void fuse_attention(PassContext& ctx) {
  int mask_bias = -1;
  for (const ir::Op& op : ctx.g.ops) {
    if (op.type == ir::op_name(fb::OpParams::EmbedLayerNorm)) mask_bias = op.outputs[1];
  }
  if (mask_bias < 0) {
    ctx.log.push_back("fuse_attention: not tried, no EmbedLayerNorm provides the mask bias");
    return;
  }
  const GraphIndex index(ctx.g);
  int fused = 0;
  for (size_t i = 0; i < ctx.g.ops.size(); ++i) {
    if (onnx::onnx_op_type(ctx.g.ops[i]) != "Reshape") continue;
    const std::optional<AttentionMatch> m = match(ctx, index, ctx.g.ops[i]);
    if (!m || !consistent(ctx.g, *m, ctx.g.ops[i])) continue;
    const int q_index = index.producer_index(m->q.linear->outputs[0]);
    const std::string& context_name = ctx.g.values[ctx.g.ops[i].outputs[0]].name;
    const int qkv =
        add_f32_value(ctx.g, context_name + ".qkv",
                      {ir::kBatchDim, ir::kSeqDim, ir::const_dim(3 * m->q.heads * m->q.head_dim)});
    ir::Op& attention = ctx.g.ops[i];
    attention.type = ir::op_name(fb::OpParams::Attention);
    attention.inputs = {qkv, mask_bias};
    attention.attrs = {};
    attention.attrs.set("num_heads", m->q.heads);
    attention.attrs.set("head_dim", m->q.head_dim);
    attention.attrs.set("scale", m->scale);
    // A QDQ graph quantizes the projections (their pair folded into a static
    // input scale by now) and leaves attention in float: keep it fp32.
    if (ir::input_quantization(*m->q.linear))
      attention.attrs.set("precision_floor", std::string("F32"));
    pack_qkv(ctx.g, *m, ctx.g.ops[q_index], qkv);
    ++fused;
  }
  if (fused > 0)
    ctx.log.push_back("fuse_attention: " + std::to_string(fused) +
                      " self-attention blocks -> QKV MatMul + Attention");
}

}  // namespace minirt::converter::passes
