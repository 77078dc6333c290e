// A graph's op list as text for comparing two conversions of one model (the
// ONNX path against the HF path): kind, attributes and shapes of every op, one
// line each, names left out.
#pragma once

#include <sstream>
#include <string>

#include "converter/ir/graph.h"

namespace minirt::test {

inline std::string fused_op_list(const ir::Graph& g) {
  std::ostringstream out;
  for (const ir::Op& op : g.ops) {
    out << op.type;
    for (const char* attr : {"epsilon", "scale"}) {
      if (op.attrs.has(attr)) out << " " << attr << "=" << op.attrs.get_float(attr);
    }
    for (const char* attr : {"num_heads", "head_dim"}) {
      if (op.attrs.has(attr)) out << " " << attr << "=" << op.attrs.get_int(attr);
    }
    if (op.attrs.has("activation")) out << " activation=" << op.attrs.get_string("activation");
    for (int id : op.inputs) {
      out << " " << (id < 0 ? "-" : ir::to_string(g.values[id].shape));
      if (id >= 0 && g.values[id].kind == ir::ValueKind::kWeight) out << "w";
    }
    out << " ->";
    for (int id : op.outputs) out << " " << ir::to_string(g.values[id].shape);
    out << "\n";
  }
  return out.str();
}

}  // namespace minirt::test
