#include "converter/import/onnx/onnx_import.h"
#include "converter/ir/input_quantization.h"
#include "converter/ir/op_types.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {

// Tanh(MatMul(Gather(hidden [B,S,H], index 0, axis 1), W, b)), the MatMul
// plain and used only here -> Pooler(hidden, W, b).
void fuse_pooler(PassContext& ctx) {
  const GraphIndex index(ctx.g);
  int fused = 0;
  for (ir::Op& op : ctx.g.ops) {
    if (onnx::onnx_op_type(op) != "Tanh") continue;
    const ir::Op* dense = index.producer(op.inputs[0]);
    if (dense == nullptr || dense->type != ir::op_name(fb::OpParams::MatMul) ||
        index.use_count(op.inputs[0]) != 1 ||
        dense->attrs.get_string("activation") != ir::activation_name(fb::Activation::None) ||
        dense->inputs[2] == ir::kNoValue) {
      continue;
    }
    const ir::Op* first = index.onnx_producer(dense->inputs[0], "Gather");
    if (first == nullptr || first->attrs.get_int_or("axis", 0) != 1 ||
        scalar_weight(ctx.g, first->inputs[1]) != 0.0 ||
        ctx.g.values[first->inputs[1]].shape.size() != 0 ||
        ctx.g.values[first->inputs[0]].shape.size() != 3) {
      continue;
    }
    // The Pooler runs fp32 in every session: a folded QDQ pair's scale goes.
    if (ir::input_quantization(*dense))
      ctx.log.push_back("fuse_pooler: '" + op.name +
                        "' runs fp32 (Pooler), its input's QDQ scale is not applied");
    op.type = ir::op_name(fb::OpParams::Pooler);
    op.inputs = {first->inputs[0], dense->inputs[1], dense->inputs[2]};
    op.attrs = {};
    ++fused;
  }
  if (fused > 0)
    ctx.log.push_back("fuse_pooler: " + std::to_string(fused) + " Gather+MatMul+Tanh -> Pooler");
}

}  // namespace minirt::converter::passes
