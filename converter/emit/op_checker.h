// Checks of one op's inputs, outputs and attributes for emit: each failure
// throws std::runtime_error saying what is wrong (the caller names the op).
#pragma once

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "converter/ir/graph.h"

namespace minirt::converter {

using ir::DType;
using ir::Shape;
using ir::Value;

class OpChecker {
 public:
  OpChecker(const ir::Graph& graph, const ir::Op& op) : g_(graph), op_(op) {}

  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error(what); }

  void expect(bool ok, const std::string& what) const {
    if (!ok) fail(what);
  }

  void counts(size_t inputs, size_t outputs) const {
    expect(op_.inputs.size() == inputs && op_.outputs.size() == outputs,
           "needs " + std::to_string(inputs) + " inputs and " + std::to_string(outputs) +
               " outputs, has " + std::to_string(op_.inputs.size()) + " and " +
               std::to_string(op_.outputs.size()));
  }

  bool present(size_t i) const { return op_.inputs[i] != ir::kNoValue; }

  // Required input i, f32 unless `dtype` says otherwise.
  const Value& in(size_t i, DType dtype = DType::kF32) const {
    expect(present(i), "input " + std::to_string(i) + " is required");
    return typed(g_.values[op_.inputs[i]], "input " + std::to_string(i), dtype);
  }

  // Input i or output i whatever its dtype.
  const Value& any_in(size_t i) const {
    expect(present(i), "input " + std::to_string(i) + " is required");
    return g_.values[op_.inputs[i]];
  }
  const Value& any_out(size_t i) const { return g_.values[op_.outputs[i]]; }
  const ir::Op& op() const { return op_; }

  const Value& out(size_t i) const {
    return typed(g_.values[op_.outputs[i]], "output " + std::to_string(i), DType::kF32);
  }

  // Required input i that must be an f32 weight of exactly `shape`.
  const Value& weight(size_t i, const Shape& shape) const {
    const Value& v = in(i);
    expect(v.kind == ir::ValueKind::kWeight, "input " + std::to_string(i) + " '" + v.name +
                                                 "' must be a Weight, is " +
                                                 std::string(ir::value_kind_name(v.kind)));
    shape_is(v, shape);
    return v;
  }

  void shape_is(const Value& v, const Shape& shape) const {
    expect(v.shape == shape, "'" + v.name + "' has shape " + ir::to_string(v.shape) +
                                 ", expected " + ir::to_string(shape));
  }

  // The constant size of v's last dim.
  int64_t last_dim(const Value& v) const {
    expect(!v.shape.empty() && v.shape.back().is_constant(),
           "'" + v.name + "' needs a constant last dim, has shape " + ir::to_string(v.shape));
    return v.shape.back().factor;
  }

  void rank_is(const Value& v, size_t rank) const {
    expect(v.shape.size() == rank, "'" + v.name + "' must have rank " + std::to_string(rank) +
                                       ", has shape " + ir::to_string(v.shape));
  }

  float positive_float(const char* attr) const {
    const float x = op_.attrs.get_float(attr);
    expect(std::isfinite(x) && x > 0, std::string(attr) + " must be positive and finite");
    return x;
  }

  const std::string& string_attr(const char* attr) const { return op_.attrs.get_string(attr); }

  int64_t positive_int(const char* attr) const {
    const int64_t x = op_.attrs.get_int(attr);
    expect(x > 0 && x <= std::numeric_limits<int32_t>::max(),
           std::string(attr) + " must be a positive int32");
    return x;
  }

 private:
  const Value& typed(const Value& v, const std::string& what, DType dtype) const {
    expect(v.dtype == dtype, what + " '" + v.name + "' must be " +
                                 std::string(ir::dtype_name(dtype)) + ", is " +
                                 std::string(ir::dtype_name(v.dtype)));
    return v;
  }

  const ir::Graph& g_;
  const ir::Op& op_;
};

// Checks a generic op (minirt.fbs "Generic ops"); fails for any other type.
// Slice bounds and Concat extents are checked at the planned sizes.
void check_generic_op(const OpChecker& c, int64_t max_batch, int64_t max_seq);

}  // namespace minirt::converter
