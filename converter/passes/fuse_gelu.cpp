#include <cmath>
#include <numbers>

#include "converter/import/onnx/onnx_import.h"
#include "converter/ir/op_types.h"
#include "converter/passes/mul_tree.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {
namespace {

// Operand of Unary(value) when `value` is produced by ONNX op `unary`.
int unary_operand(const GraphIndex& index, int id, std::string_view unary) {
  const ir::Op* op = index.onnx_producer(id, unary);
  return op ? op->inputs[0] : -1;
}

// x * (x + 0.044715 * x^3) * sqrt(2/pi) inside the tanh of GELU-tanh.
bool is_tanh_argument(const ir::Graph& g, const GraphIndex& index, int id, int x) {
  const Product outer = product_of(g, index, id);
  if (outer.factors.size() != 1 || !close_to(outer.constant, std::sqrt(2 / std::numbers::pi)))
    return false;
  const ir::Op* sum = index.onnx_producer(outer.factors[0], "Add");
  if (sum == nullptr) return false;
  for (int i = 0; i < 2; ++i) {
    const Product cubic = product_of(g, index, sum->inputs[1 - i]);
    if (sum->inputs[i] == x && close_to(cubic.constant, 0.044715) &&
        cubic.factors == std::vector<int>{x, x, x}) {
      return true;
    }
  }
  return false;
}

// The GELU form of 0.5 * x * (1 + f(x)), or nullptr when it is none.
const char* gelu_form(const ir::Graph& g, const GraphIndex& index, int inner, int x) {
  const int erf_arg = unary_operand(index, inner, "Erf");
  if (erf_arg >= 0) {
    const Product p = product_of(g, index, erf_arg);
    const bool ok =
        p.factors == std::vector<int>{x} && close_to(p.constant, 1 / std::numbers::sqrt2);
    return ok ? "none" : nullptr;
  }
  const int tanh_arg = unary_operand(index, inner, "Tanh");
  return tanh_arg >= 0 && is_tanh_argument(g, index, tanh_arg, x) ? "tanh" : nullptr;
}

}  // namespace

void fuse_gelu(PassContext& ctx) {
  const GraphIndex index(ctx.g);
  int fused = 0;
  for (ir::Op& op : ctx.g.ops) {
    if (onnx::onnx_op_type(op) != "Mul") continue;
    const Product p = product_of(ctx.g, index, op.outputs[0]);
    if (p.factors.size() != 2 || !close_to(p.constant, 0.5)) continue;
    for (int i = 0; i < 2; ++i) {
      const int x = p.factors[i];
      const int inner = add_operand_besides(ctx.g, index, p.factors[1 - i], 1.0);
      const char* form = inner >= 0 ? gelu_form(ctx.g, index, inner, x) : nullptr;
      if (form == nullptr) continue;
      op.type = std::string(onnx::kOnnxPrefix) + "Gelu";
      op.inputs = {x};
      op.attrs = {};
      op.attrs.set("approximate", std::string(form));
      ++fused;
      break;
    }
  }
  if (fused > 0)
    ctx.log.push_back("fuse_gelu: " + std::to_string(fused) + " GELU subgraphs -> Gelu");
}

}  // namespace minirt::converter::passes
