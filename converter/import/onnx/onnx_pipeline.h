// ONNX file -> fused IR graph: read, import, probe, then the passes of
// converter/passes in order. Keeps what --explain prints.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "converter/ir/graph.h"

namespace minirt::converter::onnx {

struct OnnxConversion {
  ir::Graph graph;
  int64_t opset = 0;
  std::vector<std::string> log;        // passes that fired
  std::vector<std::string> fallbacks;  // ops left as generic ONNX ops, and why
};

// Throws std::runtime_error with a message naming the file and the node or
// value at fault.
OnnxConversion convert_onnx(const std::filesystem::path& path);

}  // namespace minirt::converter::onnx
