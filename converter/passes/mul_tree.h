// A product seen through nested Mul, Div by constants and Pow by small
// integer constants: its constant factor and its other factors (repeated by
// power), so GELU patterns match in any operand order and bracketing.
#pragma once

#include <vector>

#include "converter/passes/pass_context.h"

namespace minirt::converter::passes {

struct Product {
  double constant = 1;
  std::vector<int> factors;  // value ids, sorted
};

Product product_of(const ir::Graph& g, const GraphIndex& index, int id);

// The operand of Add(a, b) that is not the scalar weight `constant`; -1 if no such.
int add_operand_besides(const ir::Graph& g, const GraphIndex& index, int id, double constant);

}  // namespace minirt::converter::passes
