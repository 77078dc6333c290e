#include "converter/passes/mul_tree.h"

#include <algorithm>
#include <cmath>

#include "converter/import/onnx/onnx_import.h"

namespace minirt::converter::passes {
namespace {

void collect(const ir::Graph& g, const GraphIndex& index, int id, int power, Product& p) {
  if (const std::optional<double> c = scalar_weight(g, id)) {
    p.constant *= std::pow(*c, power);
    return;
  }
  const ir::Op* op = index.producer(id);
  const std::string_view type = op ? onnx::onnx_op_type(*op) : std::string_view{};
  if (type == "Mul") {
    collect(g, index, op->inputs[0], power, p);
    collect(g, index, op->inputs[1], power, p);
    return;
  }
  if (type == "Div" && scalar_weight(g, op->inputs[1])) {
    collect(g, index, op->inputs[0], power, p);
    collect(g, index, op->inputs[1], -power, p);
    return;
  }
  const std::optional<double> exponent =
      type == "Pow" ? scalar_weight(g, op->inputs[1]) : std::nullopt;
  if (exponent && (*exponent == 2 || *exponent == 3) && power > 0) {
    collect(g, index, op->inputs[0], power * static_cast<int>(*exponent), p);
    return;
  }
  for (int i = 0; i < power; ++i) p.factors.push_back(id);
  if (power < 0) p.factors.push_back(-1);  // dividing by a non-constant: no pattern of ours
}

}  // namespace

Product product_of(const ir::Graph& g, const GraphIndex& index, int id) {
  Product p;
  collect(g, index, id, 1, p);
  std::sort(p.factors.begin(), p.factors.end());
  return p;
}

int add_operand_besides(const ir::Graph& g, const GraphIndex& index, int id, double constant) {
  const ir::Op* add = index.onnx_producer(id, "Add");
  if (add == nullptr) return -1;
  for (int i = 0; i < 2; ++i) {
    const std::optional<double> c = scalar_weight(g, add->inputs[i]);
    if (c && close_to(*c, constant)) return add->inputs[1 - i];
  }
  return -1;
}

}  // namespace minirt::converter::passes
