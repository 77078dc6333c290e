// Concrete tensors for evaluating ONNX ops on the host at conversion time:
// constant folding and the probe runs that infer symbolic shapes. Elements
// are stored in their own type (f32, i64, i32, i8, u8, bool as a byte), as
// the ONNX graph computes them, so evaluating an op on ops/ref's kernels
// follows ONNX's float32 and integer semantics. Bytes are shared, not
// copied: a weight is read in place, a reshape shares its input's bytes.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "converter/ir/dtype.h"
#include "converter/ir/weight_bytes.h"
#include "ops/ref/generic_kernels.h"

namespace minirt::converter::onnx {

struct HostTensor {
  // The most elements a tensor computed on the host may hold.
  static constexpr int64_t kMaxElements = int64_t{1} << 31;

  ir::DType dtype = ir::DType::kF32;
  std::vector<int64_t> dims;
  ir::WeightBytes bytes;  // row-major elements of dtype; empty when not kept

  // The product of dims; throws naming the shape when a dim is negative or
  // the product passes int64 (dims come from the file and from evaluated ops).
  static int64_t count_of(const std::vector<int64_t>& dims);
  int64_t count() const { return count_of(dims); }
  size_t rank() const { return dims.size(); }
  bool has_data() const { return !bytes.empty(); }
  // The elements; throws when the data was not kept.
  const void* data() const;
  template <typename T>
  const T* data_as() const {
    return static_cast<const T*>(data());
  }
  double at(size_t i) const;       // element i of any dtype, as a double; throws past the end
  int64_t int_at(size_t i) const;  // saturates at the int64 range; throws for NaN
  std::vector<int64_t> ints() const;
  // Same dims, dtype and bytes.
  bool same_data(const HostTensor& other) const;
  // The tensor's type and dims as ops/ref's kernels take them.
  ref::TensorArg arg() const;

  // A tensor of dtype and dims whose elements fill(void* dst) writes.
  template <typename Fill>
  static HostTensor computed(ir::DType dtype, std::vector<int64_t> dims, Fill&& fill) {
    std::vector<uint8_t> storage = allocate(dtype, dims);
    fill(static_cast<void*>(storage.data()));
    return {dtype, std::move(dims), ir::WeightBytes::owned_bytes(std::move(storage))};
  }
  static HostTensor of_ints(const std::vector<int64_t>& values, std::vector<int64_t> dims);

 private:
  // data(), after checking that element i exists.
  const void* data_for(size_t i) const;
  // Zeroed bytes for a tensor of dtype and dims; throws when too large.
  static std::vector<uint8_t> allocate(ir::DType dtype, const std::vector<int64_t>& dims);
};

// The kernels' element type of an IR dtype (bool is kU8); throws for those
// the evaluator does not compute in (f16, bf16).
ref::ElemType elem_type(ir::DType dtype);
// dims as the kernels take them; throws above ref::kMaxDims.
ref::Dims ref_dims(const std::vector<int64_t>& dims);
// Numpy-style broadcast of two shapes; throws when they do not broadcast.
std::vector<int64_t> broadcast_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b);
std::string dims_string(const std::vector<int64_t>& dims);

}  // namespace minirt::converter::onnx
