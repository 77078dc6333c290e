#include "converter/import/onnx/onnx_import.h"
#include "converter/ir/op_types.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {

// LayerNormalization(Add(a, b)) over the last axis, a and b of one shape ->
// AddLayerNorm; a MatMul's output is the src and the other the residual,
// as the HF path builds it.
void fuse_add_layer_norm(PassContext& ctx) {
  const GraphIndex index(ctx.g);
  int fused = 0;
  for (ir::Op& op : ctx.g.ops) {
    if (onnx::onnx_op_type(op) != "LayerNormalization" || op.inputs.size() != 3 ||
        op.attrs.get_int_or("axis", -1) != -1) {
      continue;
    }
    const ir::Op* add = index.onnx_producer(op.inputs[0], "Add");
    if (add == nullptr || index.use_count(op.inputs[0]) != 1 ||
        ctx.g.values[add->inputs[0]].shape != ctx.g.values[add->inputs[1]].shape) {
      continue;
    }
    const ir::Op* first = index.producer(add->inputs[0]);
    const bool first_is_src = first != nullptr && first->type == ir::op_name(fb::OpParams::MatMul);
    const int src = add->inputs[first_is_src ? 0 : 1], residual = add->inputs[first_is_src ? 1 : 0];
    const float epsilon = op.attrs.get_float_or("epsilon", 1e-5f);
    op.type = ir::op_name(fb::OpParams::AddLayerNorm);
    op.inputs = {src, residual, op.inputs[1], op.inputs[2]};
    op.attrs = {};
    op.attrs.set("epsilon", epsilon);
    ++fused;
  }
  if (fused > 0)
    ctx.log.push_back("fuse_add_layer_norm: " + std::to_string(fused) +
                      " Add + LayerNorm -> AddLayerNorm");
}

}  // namespace minirt::converter::passes
