#include "converter/import/onnx/onnx_import.h"
#include "converter/ir/op_types.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {
namespace {

std::string_view activation_of(const ir::Op& op) {
  const std::string_view type = onnx::onnx_op_type(op);
  if (type == "Tanh") return ir::activation_name(fb::Activation::Tanh);
  if (type != "Gelu") return {};
  const bool tanh_form =
      op.attrs.has("approximate") && op.attrs.get_string("approximate") == "tanh";
  return tanh_form ? ir::activation_name(fb::Activation::GeluTanh)
                   : ir::activation_name(fb::Activation::GeluErf);
}

}  // namespace

// act(MatMul(x)) with the MatMul's output read only by act: the MatMul takes
// the activation and writes act's output; act's op goes.
void fuse_activation(PassContext& ctx) {
  const GraphIndex index(ctx.g);
  std::vector<bool> drop(ctx.g.ops.size(), false);
  int fused = 0;
  for (size_t i = 0; i < ctx.g.ops.size(); ++i) {
    const std::string_view activation = activation_of(ctx.g.ops[i]);
    if (activation.empty()) continue;
    const int src = ctx.g.ops[i].inputs[0];
    const int dense = index.producer_index(src);
    if (dense < 0 || index.use_count(src) != 1) continue;
    ir::Op& matmul = ctx.g.ops[dense];
    if (matmul.type != ir::op_name(fb::OpParams::MatMul) ||
        matmul.attrs.get_string("activation") != ir::activation_name(fb::Activation::None))
      continue;
    matmul.attrs.set("activation", std::string(activation));
    matmul.outputs = ctx.g.ops[i].outputs;
    drop[i] = true;
    ++fused;
  }
  std::vector<ir::Op> kept;
  for (size_t i = 0; i < ctx.g.ops.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(ctx.g.ops[i]));
  }
  ctx.g.ops = std::move(kept);
  if (fused > 0)
    ctx.log.push_back("fuse_activation: " + std::to_string(fused) +
                      " activations folded into MatMul");
}

}  // namespace minirt::converter::passes
