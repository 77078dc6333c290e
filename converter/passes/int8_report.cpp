// What --explain says about int8: for each fused MatMul, whether an int8
// session quantizes its input with a static scale (a folded QDQ pair) or
// per row at run time, and why; and whether its weights are already on the
// int8 grid the runtime quantizes them to (per output column, symmetric,
// ops/ref/int8.h), so int8 sessions multiply the QDQ model's own s8 values.
#include <cmath>
#include <cstdio>

#include "converter/ir/input_quantization.h"
#include "converter/ir/op_types.h"
#include "converter/passes/passes.h"
#include "ops/ref/int8.h"

namespace minirt::converter::passes {
namespace {

// Output columns (rows of the [N,K] weight) whose every weight w is its s8
// level times the column's scale, as the runtime quantizes them, to the
// float rounding of that product: on those, requantizing at load gives back
// the stored s8 values (and the scale, to within one rounding).
int64_t columns_on_grid(const ir::Graph& g, int weight) {
  const std::vector<float> w = weight_floats(g, weight);
  const std::vector<int64_t> dims = const_dims(g.values[weight].shape);
  const int64_t n = dims[0], k = dims[1];
  int64_t on_grid = 0;
  for (int64_t col = 0; col < n; ++col) {
    const float* row = w.data() + col * k;
    float max_abs = 0.0f;
    for (int64_t i = 0; i < k; ++i) max_abs = std::max(max_abs, std::fabs(row[i]));
    const float scale = ref::column_scale(max_abs);
    bool all = true;
    for (int64_t i = 0; i < k && all; ++i) {
      const float level = ref::quantize_s8(row[i], scale);
      all = std::fabs(level * scale - row[i]) <= 0x1p-21f * std::fabs(row[i]);
    }
    on_grid += all;
  }
  return on_grid;
}

std::string weight_note(const ir::Graph& g, int weight) {
  const int64_t n = const_dims(g.values[weight].shape)[0];
  const int64_t on_grid = columns_on_grid(g, weight);
  if (on_grid == n) return "s8 weights as stored";
  return "weights requantized per column (" + std::to_string(n - on_grid) + " of " +
         std::to_string(n) + " columns off the symmetric int8 grid)";
}

}  // namespace

std::vector<std::string> int8_matmul_report(const ir::Graph& g) {
  std::vector<std::string> lines;
  for (const ir::Op& op : g.ops) {
    std::string line = "'" + op.name + "' (" + op.type + "): ";
    if (op.type == ir::op_name(fb::OpParams::Pooler)) {
      lines.push_back(line +
                      "fp32 in every session (one row per sequence; int8 there doubled "
                      "pooler_output's error)");
      continue;
    }
    if (op.type != ir::op_name(fb::OpParams::MatMul)) continue;
    if (const std::optional<StaticQuantization> q = ir::input_quantization(op)) {
      char scale[64];
      std::snprintf(scale, sizeof scale, "%.6g zero point %d (u8)", q->scale, q->zero_point);
      line += std::string("int8 with a static input scale ") + scale;
    } else if (op.attrs.has(ir::kInputQuantizationRefusal)) {
      line += "int8 with per-row input scales at run time: " +
              op.attrs.get_string(ir::kInputQuantizationRefusal);
    } else {
      line +=
          "int8 with per-row input scales at run time: no QuantizeLinear -> "
          "DequantizeLinear pair on its input";
    }
    lines.push_back(line + "; " + weight_note(g, op.inputs[1]));
  }
  return lines;
}

}  // namespace minirt::converter::passes
