// DequantizeLinear of constant int8 or uint8 weights (a QDQ model's weights,
// per tensor or per channel) -> float weights, computed here as ONNX defines
// it: fold_constants keeps only what the probes kept, which large weights
// are not. An int8 session requantizes them per output column at load;
// --explain (int8_matmul_report) says whether that gives back the stored s8.
#include "converter/import/onnx/evaluator.h"
#include "converter/import/onnx/onnx_import.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {

void dequantize_weights(PassContext& ctx) {
  std::vector<ir::Op> kept;
  int folded = 0;
  for (ir::Op& op : ctx.g.ops) {
    bool constant = onnx::onnx_op_type(op) == "DequantizeLinear" && op.outputs.size() == 1;
    for (int id : op.inputs) constant &= id == ir::kNoValue || is_weight(ctx.g, id);
    if (!constant) {
      kept.push_back(std::move(op));
      continue;
    }
    std::vector<onnx::HostTensor> tensors;
    onnx::EvalInputs inputs;
    tensors.reserve(op.inputs.size());
    for (int id : op.inputs) {
      tensors.push_back(id == ir::kNoValue ? onnx::HostTensor{}
                                           : onnx::weight_tensor(ctx.g.values[id]));
      inputs.push_back(id == ir::kNoValue ? nullptr : &tensors.back());
    }
    std::vector<onnx::HostTensor> out =
        onnx::evaluate_onnx_op("DequantizeLinear", op.attrs, inputs);
    ir::Value& value = ctx.g.values[op.outputs[0]];
    value.kind = ir::ValueKind::kWeight;
    value.data = std::move(out[0].bytes);
    ++folded;
  }
  ctx.g.ops = std::move(kept);
  ctx.log.push_back("dequantize_weights: " + std::to_string(folded) +
                    " DequantizeLinear of constant weights -> f32 weights");
}

}  // namespace minirt::converter::passes
