#include "converter/import/onnx/onnx_pipeline.h"

#include <stdexcept>

#include "converter/import/onnx/onnx_import.h"
#include "converter/import/onnx/onnx_model.h"
#include "converter/import/onnx/probe_runs.h"
#include "converter/passes/passes.h"

namespace minirt::converter::onnx {

OnnxConversion convert_onnx(const std::filesystem::path& path) {
  OnnxConversion result;
  try {
    const OnnxModel model = read_onnx_model(path);
    result.opset = model.opset;
    result.graph = import_onnx(model);
    const ProbeFacts facts = run_probes(result.graph);
    passes::PassContext ctx{result.graph, facts, result.log};
    passes::infer_shapes(ctx);
    for (auto pass :
         {passes::fold_constants, passes::fuse_layer_norm, passes::fuse_gelu,
          passes::fuse_embed_layer_norm, passes::fuse_linear, passes::fuse_pooler,
          passes::fuse_activation, passes::fuse_attention, passes::fuse_add_layer_norm}) {
      pass(ctx);
      passes::remove_dead_ops(result.graph);
    }
    passes::compact_values(result.graph);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
  for (const ir::Op& op : result.graph.ops) {
    if (!onnx_op_type(op).empty()) {
      result.fallbacks.push_back("'" + op.name + "' (" + std::string(onnx_op_type(op)) +
                                 "): no fusion pattern covers it");
    }
  }
  result.graph.metadata.emplace_back("source_format", "onnx");
  result.graph.metadata.emplace_back("onnx_opset", std::to_string(result.opset));
  return result;
}

}  // namespace minirt::converter::onnx
