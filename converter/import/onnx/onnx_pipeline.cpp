#include "converter/import/onnx/onnx_pipeline.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "converter/import/onnx/onnx_import.h"
#include "converter/import/onnx/probe_runs.h"
#include "converter/passes/passes.h"

namespace minirt::converter::onnx {
namespace {

using Pass = void (*)(passes::PassContext&);

const std::vector<std::pair<std::string, Pass>>& ordered_passes() {
  static const std::vector<std::pair<std::string, Pass>> list = {
      {"fold_constants", passes::fold_constants},
      {"dequantize_weights", passes::dequantize_weights},
      {"fuse_layer_norm", passes::fuse_layer_norm},
      {"fuse_gelu", passes::fuse_gelu},
      {"fuse_embed_layer_norm", passes::fuse_embed_layer_norm},
      {"fuse_linear", passes::fuse_linear},
      {"fold_qdq", passes::fold_qdq},
      {"fuse_pooler", passes::fuse_pooler},
      {"fuse_activation", passes::fuse_activation},
      {"fuse_attention", passes::fuse_attention},
      {"fuse_add_layer_norm", passes::fuse_add_layer_norm},
  };
  return list;
}

bool selected(const OnnxOptions& options, const std::string& name) {
  return !options.passes ||
         std::find(options.passes->begin(), options.passes->end(), name) != options.passes->end();
}

}  // namespace

const std::vector<std::string>& onnx_pass_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, pass] : ordered_passes()) out.push_back(name);
    return out;
  }();
  return names;
}

OnnxConversion convert_onnx_model(const OnnxModel& model, const OnnxOptions& options) {
  for (const std::string& name : options.passes.value_or(std::vector<std::string>{})) {
    if (std::find(onnx_pass_names().begin(), onnx_pass_names().end(), name) ==
        onnx_pass_names().end())
      throw std::runtime_error("unknown pass '" + name + "'");
  }
  OnnxConversion result;
  result.opset = model.opset;
  result.graph = import_onnx(model);
  const ProbeFacts facts = run_probes(result.graph);
  passes::PassContext ctx{result.graph, facts, result.log};
  passes::infer_shapes(ctx);
  for (const auto& [name, pass] : ordered_passes()) {
    if (!selected(options, name)) {
      result.log.push_back(name + ": not selected");
      continue;
    }
    pass(ctx);
    passes::remove_dead_ops(result.graph);
  }
  result.int8 = passes::int8_matmul_report(result.graph);
  passes::lower_to_generic(ctx, result.fallbacks);
  passes::compact_values(result.graph);
  result.graph.metadata.emplace_back("source_format", "onnx");
  result.graph.metadata.emplace_back("onnx_opset", std::to_string(result.opset));
  return result;
}

OnnxConversion convert_onnx(const std::filesystem::path& path, const OnnxOptions& options) {
  try {
    return convert_onnx_model(read_onnx_model(path), options);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

}  // namespace minirt::converter::onnx
