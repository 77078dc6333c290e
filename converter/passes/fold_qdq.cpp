// Quantization-aware (QDQ) activations -> static int8 input scales.
//
// MatMul(DequantizeLinear(QuantizeLinear(x, s, z), s, z)) with one scale and
// zero point (per tensor) and an int8 or uint8 level -> MatMul(x) carrying s
// and z (mapped to u8: ir/input_quantization.h). Only fused MatMuls take one
// (they run int8; an unfused MatMul runs fp32 as a generic op, so its pair
// stays and runs as generic QuantizeLinear/DequantizeLinear). Every fused
// MatMul reading the pair folds (Q, K and V share one); the pair stays for
// any other reader. Runs after fuse_linear (whose MatMuls it needs) and
// before fuse_pooler and fuse_attention (which need the pair gone). Weight
// DequantizeLinears of constant int8 weights are dequantize_weights' job.
#include <cmath>
#include <set>

#include "converter/import/onnx/onnx_import.h"
#include "converter/ir/input_quantization.h"
#include "converter/ir/op_types.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {
namespace {

// The pair's quantization, or why it cannot be one static input scale.
struct PairMatch {
  std::optional<StaticQuantization> quantization;
  int source = ir::kNoValue;  // x
  std::string refusal;
};

// A zero point operand's one value (absent: 0).
std::optional<double> zero_point_of(const ir::Graph& g, const ir::Op& op) {
  if (op.inputs.size() < 3 || op.inputs[2] == ir::kNoValue) return 0.0;
  return scalar_weight(g, op.inputs[2]);
}

PairMatch match_pair(const ir::Graph& g, const GraphIndex& index, int dq_out) {
  PairMatch m;
  const ir::Op* dq = index.onnx_producer(dq_out, "DequantizeLinear");
  if (dq == nullptr) return m;
  const ir::Op* q = index.onnx_producer(dq->inputs[0], "QuantizeLinear");
  if (q == nullptr) {
    m.refusal = "its DequantizeLinear '" + dq->name + "' does not read a QuantizeLinear";
    return m;
  }
  const ir::DType level = g.values[dq->inputs[0]].dtype;
  const std::optional<double> scale = scalar_weight(g, q->inputs[1]);
  const std::optional<double> dq_scale = scalar_weight(g, dq->inputs[1]);
  const std::optional<double> zero = zero_point_of(g, *q), dq_zero = zero_point_of(g, *dq);
  if (level != ir::DType::kI8 && level != ir::DType::kU8) {
    m.refusal = "its QuantizeLinear '" + q->name + "' is not int8 or uint8";
  } else if (!scale || !dq_scale || !zero || !dq_zero) {
    m.refusal = "the pair '" + q->name + "' -> '" + dq->name +
                "' is not per tensor (one constant scale and zero point)";
  } else if (*scale != *dq_scale || *zero != *dq_zero) {
    m.refusal = "the pair '" + q->name + "' -> '" + dq->name + "' differs in scale or zero point";
  } else if (!(std::isfinite(*scale) && *scale > 0.0)) {
    m.refusal = "the pair '" + q->name + "' has scale " + std::to_string(*scale);
  } else {
    const auto z = static_cast<int32_t>(*zero);
    const auto s = static_cast<float>(*scale);
    m.quantization =
        level == ir::DType::kI8 ? ir::from_s8_quantization(s, z) : StaticQuantization{s, z};
    m.source = q->inputs[0];
  }
  return m;
}

}  // namespace

void fold_qdq(PassContext& ctx) {
  const GraphIndex index(ctx.g);
  int folded = 0;
  std::set<int> pairs;  // DequantizeLinear outputs folded
  std::vector<std::string> refused;
  for (ir::Op& op : ctx.g.ops) {
    if (op.type != ir::op_name(fb::OpParams::MatMul)) continue;
    const PairMatch m = match_pair(ctx.g, index, op.inputs[0]);
    if (m.quantization) {
      pairs.insert(op.inputs[0]);
      op.inputs[0] = m.source;
      ir::set_input_quantization(op, *m.quantization);
      ++folded;
    } else if (!m.refusal.empty()) {
      op.attrs.set(ir::kInputQuantizationRefusal, m.refusal);
      refused.push_back("'" + op.name + "': " + m.refusal);
    }
  }
  ctx.log.push_back("fold_qdq: " + std::to_string(pairs.size()) +
                    " QuantizeLinear+DequantizeLinear pairs -> the static input scale of " +
                    std::to_string(folded) + " MatMuls");
  for (const std::string& why : refused) ctx.log.push_back("fold_qdq: not folded, " + why);
}

}  // namespace minirt::converter::passes
