#include "converter/emit/validate.h"

#include <limits>
#include <set>
#include <stdexcept>

#include "converter/emit/op_checks.h"

namespace minirt::converter {

namespace {

using ir::Value;
using ir::ValueKind;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

std::string value_label(const ir::Graph& g, int id) {
  return "value " + std::to_string(id) + " '" + g.values[id].name + "'";
}

void check_value(const ir::Graph& g, int id) {
  const Value& v = g.values[id];
  const std::string label = value_label(g, id);
  if (v.name.empty()) fail("value " + std::to_string(id) + " has no name");
  for (const ir::Dim& d : v.shape) {
    if (d.factor <= 0) fail(label + ": dims must be positive, shape is " + ir::to_string(v.shape));
  }
  if (v.kind != ValueKind::kWeight) {
    if (!v.data.empty()) fail(label + ": only weights carry data");
    return;
  }
  const int64_t count = ir::element_count(v.shape);
  if (count < 0) fail(label + ": a weight needs a constant shape, has " + ir::to_string(v.shape));
  const uint64_t bytes = static_cast<uint64_t>(count) * ir::dtype_size(v.dtype);
  if (v.data.size() != bytes) {
    fail(label + ": " + std::string(ir::dtype_name(v.dtype)) + " " + ir::to_string(v.shape) +
         " needs " + std::to_string(bytes) + " bytes of data, has " +
         std::to_string(v.data.size()));
  }
}

// Graph inputs (or outputs) are exactly the values of `kind`, each once.
void check_graph_ends(const ir::Graph& g, const std::vector<int>& ends, ValueKind kind,
                      const char* what) {
  std::set<int> seen;
  for (int id : ends) {
    if (id < 0 || id >= static_cast<int>(g.values.size())) {
      fail(std::string("graph ") + what + " index " + std::to_string(id) + " is out of range");
    }
    if (g.values[id].kind != kind) {
      fail(std::string("graph ") + what + " " + value_label(g, id) + " is of kind " +
           std::string(ir::value_kind_name(g.values[id].kind)));
    }
    if (!seen.insert(id).second) {
      fail(std::string("graph ") + what + " " + value_label(g, id) + " is listed twice");
    }
  }
  for (int id = 0; id < static_cast<int>(g.values.size()); ++id) {
    if (g.values[id].kind == kind && !seen.contains(id)) {
      fail(value_label(g, id) + " is of kind " + std::string(ir::value_kind_name(kind)) +
           " but not a graph " + what);
    }
  }
}

// Indices in range, each input defined before the op, each output written by
// exactly one op and only an Intermediate or Output value.
void check_op_wiring(const ir::Graph& g, const ir::Op& op, std::vector<bool>& defined) {
  const int count = static_cast<int>(g.values.size());
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const int id = op.inputs[i];
    if (id == ir::kNoValue) continue;
    if (id < 0 || id >= count) {
      fail("input " + std::to_string(i) + " index " + std::to_string(id) + " is out of range");
    }
    if (!defined[id])
      fail("input " + std::to_string(i) + " " + value_label(g, id) +
           " is used before any op writes it");
  }
  for (size_t i = 0; i < op.outputs.size(); ++i) {
    const int id = op.outputs[i];
    if (id < 0 || id >= count) {
      fail("output " + std::to_string(i) + " index " + std::to_string(id) + " is out of range");
    }
    const ValueKind kind = g.values[id].kind;
    if (kind != ValueKind::kIntermediate && kind != ValueKind::kOutput) {
      fail("output " + std::to_string(i) + " " + value_label(g, id) + " is of kind " +
           std::string(ir::value_kind_name(kind)));
    }
    if (defined[id])
      fail("output " + std::to_string(i) + " " + value_label(g, id) + " is written more than once");
    defined[id] = true;
  }
}

}  // namespace

void validate_graph(const ir::Graph& g, const EmitOptions& options) {
  if (options.max_batch < 1) fail("max_batch must be at least 1");
  if (options.max_seq < 1) fail("max_seq must be at least 1");
  if (g.values.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    fail("too many values");
  }

  std::set<std::string> names;
  for (int id = 0; id < static_cast<int>(g.values.size()); ++id) {
    check_value(g, id);
    if (!names.insert(g.values[id].name).second) {
      fail(value_label(g, id) + ": the name is used twice");
    }
  }
  check_graph_ends(g, g.inputs, ValueKind::kInput, "input");
  check_graph_ends(g, g.outputs, ValueKind::kOutput, "output");
  if (g.outputs.empty()) fail("the graph has no outputs");

  std::vector<bool> defined(g.values.size());
  for (size_t id = 0; id < g.values.size(); ++id) {
    const ValueKind kind = g.values[id].kind;
    defined[id] = kind == ValueKind::kInput || kind == ValueKind::kWeight;
  }
  for (size_t i = 0; i < g.ops.size(); ++i) {
    const ir::Op& op = g.ops[i];
    try {
      check_op_wiring(g, op, defined);
      check_op(g, op, options.max_batch, options.max_seq);
    } catch (const std::exception& e) {
      fail("op " + std::to_string(i) + " '" + op.name + "' (" + op.type + "): " + e.what());
    }
  }
  for (int id : g.outputs) {
    if (!defined[id]) fail("graph output " + value_label(g, id) + " is never written");
  }
}

}  // namespace minirt::converter
