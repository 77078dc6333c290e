// Checks of one op's inputs and outputs for check_model: each failure throws
// Error naming the op and what was expected.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "runtime/model/model_impl.h"

namespace minirt {

inline const SymDim kBatch{1, true, false};
inline const SymDim kSeq{1, false, true};
inline SymDim fixed(int64_t n) { return SymDim{n, false, false}; }

class OpChecker {
 public:
  OpChecker(const Model::Impl& impl, const OpInfo& op, size_t index)
      : impl_(impl),
        op_(op),
        where_("op " + std::to_string(index) + " '" + op.name + "' (" +
               fb::EnumNameOpParams(op.kind) + ")") {}

  [[noreturn]] void fail(const std::string& what) const { throw Error(where_ + ": " + what); }

  void arity(size_t inputs, size_t outputs) const {
    if (op_.inputs.size() != inputs || op_.outputs.size() != outputs)
      fail("has " + std::to_string(op_.inputs.size()) + " inputs and " +
           std::to_string(op_.outputs.size()) + " outputs, expected " + std::to_string(inputs) +
           " and " + std::to_string(outputs));
  }

  bool present(size_t i) const { return op_.inputs[i] >= 0; }
  const ValueInfo& in(size_t i) const {
    if (op_.inputs[i] < 0) fail("input " + std::to_string(i) + " is required but absent");
    return impl_.values[static_cast<size_t>(op_.inputs[i])];
  }
  const ValueInfo& out(size_t i) const { return impl_.values[static_cast<size_t>(op_.outputs[i])]; }
  size_t inputs() const { return op_.inputs.size(); }

  void expect(const ValueInfo& value, DType dtype, const std::vector<SymDim>& shape,
              const char* role) const {
    if (value.dtype != dtype)
      fail(std::string(role) + " '" + value.name + "' is " + dtype_name(value.dtype) +
           ", expected " + dtype_name(dtype));
    if (value.shape != shape) {
      ValueInfo expected;
      expected.shape = shape;
      fail(std::string(role) + " '" + value.name + "' has shape " + value.shape_str() +
           ", expected " + expected.shape_str());
    }
  }
  // A float attribute that scales or divides: epsilon, scale.
  void positive_finite(float x, const char* attr) const {
    if (!(std::isfinite(x) && x > 0.0f))
      fail(std::string(attr) + " must be positive and finite, is " + std::to_string(x));
  }
  void expect_weight(const ValueInfo& value, const char* role) const {
    if (value.kind != ValueKind::kWeight)
      fail(std::string(role) + " '" + value.name + "' must be a weight");
  }
  // Constant last dim of an activation, checked to be a plain number.
  int64_t last_dim(const ValueInfo& value, const char* role) const {
    if (value.shape.empty() || value.shape.back().batch || value.shape.back().seq)
      fail(std::string(role) + " '" + value.name + "' must end in a constant dim, has " +
           value.shape_str());
    return value.shape.back().factor;
  }

 private:
  const Model::Impl& impl_;
  const OpInfo& op_;
  std::string where_;
};

// Checks a generic op: arity, dtypes, attributes, and every shape its
// kernel relies on, symbolically or at the corners of the planned sizes.
void check_generic_op(const OpChecker& c, const OpInfo& op, int32_t max_batch, int32_t max_seq);

}  // namespace minirt
