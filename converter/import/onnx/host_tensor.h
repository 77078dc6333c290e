// Concrete tensors for evaluating ONNX ops on the host at conversion time:
// constant folding and the probe runs that infer symbolic shapes. Values are
// doubles whatever the element type (exact for the int64 and bool of shape
// arithmetic, and for every float32); f32 results are rounded to float so
// evaluation follows float32 semantics. A weight is read in place.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "converter/ir/dtype.h"

namespace minirt::converter::onnx {

struct HostTensor {
  ir::DType dtype = ir::DType::kF32;  // kF32, kI64 or kBool
  std::vector<int64_t> dims;
  std::vector<double> values;  // row-major; empty when `weight` holds them
  std::span<const float> weight;
  std::shared_ptr<const void> weight_owner;

  int64_t count() const;
  size_t rank() const { return dims.size(); }
  double at(size_t i) const { return weight.empty() ? values[i] : weight[i]; }
  int64_t int_at(size_t i) const;  // saturates at the int64 range
  std::vector<int64_t> ints() const;

  // A tensor of `dims` whose values are all zero.
  static HostTensor zeros(ir::DType dtype, std::vector<int64_t> dims);
  static HostTensor of_ints(std::vector<int64_t> values, std::vector<int64_t> dims);
  // Stores v rounded to this tensor's element type.
  void set(size_t i, double v);
};

// Row-major strides of dims.
std::vector<int64_t> strides_of(const std::vector<int64_t>& dims);
// Numpy-style broadcast of two shapes; throws when they do not broadcast.
std::vector<int64_t> broadcast_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b);
// For each element of `out_dims`, the flat index into a tensor of `dims`
// (right-aligned, broadcast along size-1 axes).
std::vector<int64_t> broadcast_index(const std::vector<int64_t>& dims,
                                     const std::vector<int64_t>& out_dims);
std::string dims_string(const std::vector<int64_t>& dims);

}  // namespace minirt::converter::onnx
