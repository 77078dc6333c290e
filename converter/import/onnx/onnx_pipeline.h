// ONNX file -> IR graph ready to emit: read, import, probe, the passes of
// converter/passes in order, then every op left unfused lowered to a generic
// op. Keeps what --explain prints.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "converter/import/onnx/onnx_model.h"
#include "converter/ir/graph.h"

namespace minirt::converter::onnx {

struct OnnxConversion {
  ir::Graph graph;
  int64_t opset = 0;
  std::vector<std::string> log;        // passes that fired
  std::vector<std::string> fallbacks;  // ops lowered to generic ops, and why
  std::vector<std::string> int8;       // how each fused MatMul runs in int8, and why
};

// The optional passes by name, in the order they run: fold_constants, then
// the fusions.
const std::vector<std::string>& onnx_pass_names();

struct OnnxOptions {
  // The passes to run (names from onnx_pass_names()); nullopt: all of them.
  // For tests and debugging: fewer passes leave more generic ops.
  std::optional<std::vector<std::string>> passes;
};

// Throws std::runtime_error with a message naming the file and the node or
// value at fault.
OnnxConversion convert_onnx(const std::filesystem::path& path, const OnnxOptions& options = {});
// The same for a model already read (e.g. one a test changed).
OnnxConversion convert_onnx_model(const OnnxModel& model, const OnnxOptions& options = {});

}  // namespace minirt::converter::onnx
