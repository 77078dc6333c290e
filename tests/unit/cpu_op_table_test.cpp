// The CPU backend's kind-to-factory table refuses a kind it has no row for
// with an Error naming the op and its kind (the table's coverage of every
// schema kind is a static_assert in runtime/cpu/cpu_op_table.cpp).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "runtime/cpu/cpu_op.h"

namespace minirt {
namespace {

std::string make_error(OpKind kind) {
  Model::Impl model;
  model.ops.push_back({});
  model.ops[0].kind = kind;
  model.ops[0].name = "odd";
  const std::vector<void*> tensors;
  ScratchBuffer scratch;
  try {
    make_cpu_op(CpuOpSetup{BoundOp(model, model.ops[0], tensors), MatMulPrecision::kFloat32,
                           cpu::AttentionProducts::kFloat32, scratch});
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("cpu op table: a kind without a CPU implementation is an Error naming the op") {
  CHECK(make_error(OpKind::NONE) == "op 'odd' (NONE) has no CPU implementation");
  const auto past_schema = static_cast<OpKind>(static_cast<int>(OpKind::MAX) + 1);
  CHECK(make_error(past_schema) == "op 'odd' (kind code " +
                                       std::to_string(static_cast<int>(past_schema)) +
                                       ") has no CPU implementation");
}

}  // namespace
}  // namespace minirt
