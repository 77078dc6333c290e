#include "converter/import/onnx/host_tensor.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "ops/ref/saturate.h"

namespace minirt::converter::onnx {
namespace {

template <typename T>
T load(const void* data, size_t i) {
  T v;
  std::memcpy(&v, static_cast<const uint8_t*>(data) + i * sizeof(T), sizeof(T));
  return v;
}

}  // namespace

int64_t HostTensor::count_of(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0)
      throw std::runtime_error("tensor of shape " + dims_string(dims) + " has a negative dim");
    if (__builtin_mul_overflow(n, d, &n))
      throw std::runtime_error("tensor of shape " + dims_string(dims) +
                               " has more elements than int64 holds");
  }
  return n;
}

const void* HostTensor::data() const {
  if (bytes.empty() && count() != 0) {
    throw std::runtime_error("the data of a " + dims_string(dims) + " tensor was not kept");
  }
  return bytes.bytes().data();
}

// The data, once i is known to be an element: a tensor from the file may
// hold fewer elements than an op expects.
const void* HostTensor::data_for(size_t i) const {
  if (i >= static_cast<size_t>(count()))
    throw std::runtime_error("element " + std::to_string(i) + " of a " + dims_string(dims) +
                             " tensor is read, which it does not have");
  return data();
}

double HostTensor::at(size_t i) const {
  const void* d = data_for(i);
  switch (dtype) {
    case ir::DType::kF32:
      return load<float>(d, i);
    case ir::DType::kI64:
      return static_cast<double>(load<int64_t>(d, i));
    case ir::DType::kI32:
      return load<int32_t>(d, i);
    case ir::DType::kI8:
      return load<int8_t>(d, i);
    case ir::DType::kU8:
    case ir::DType::kBool:
      return load<uint8_t>(d, i);
    default:
      throw std::runtime_error("element type " + std::string(ir::dtype_name(dtype)) +
                               " is not supported by the evaluator");
  }
}

int64_t HostTensor::int_at(size_t i) const {
  if (dtype == ir::DType::kI64) return load<int64_t>(data_for(i), i);
  const double v = at(i);
  if (std::isnan(v)) throw std::runtime_error("a NaN where an integer is needed");
  return ref::saturate_to<int64_t>(v);
}

std::vector<int64_t> HostTensor::ints() const {
  std::vector<int64_t> out(static_cast<size_t>(count()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = int_at(i);
  return out;
}

bool HostTensor::same_data(const HostTensor& other) const {
  const std::span<const uint8_t> a = bytes.bytes(), b = other.bytes.bytes();
  return dtype == other.dtype && dims == other.dims &&
         std::equal(a.begin(), a.end(), b.begin(), b.end());
}

ref::TensorArg HostTensor::arg() const { return {data(), ref_dims(dims), elem_type(dtype)}; }

HostTensor HostTensor::of_ints(const std::vector<int64_t>& values, std::vector<int64_t> dims) {
  return computed(ir::DType::kI64, std::move(dims), [&](void* dst) {
    std::copy(values.begin(), values.end(), static_cast<int64_t*>(dst));
  });
}

std::vector<uint8_t> HostTensor::allocate(ir::DType dtype, const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0 || (d != 0 && n > kMaxElements / d)) {
      throw std::runtime_error("tensor of shape " + dims_string(dims) + " is too large");
    }
    n *= d;
  }
  return std::vector<uint8_t>(static_cast<size_t>(n) * ir::dtype_size(dtype));
}

ref::ElemType elem_type(ir::DType dtype) {
  switch (dtype) {
    case ir::DType::kF32:
      return ref::ElemType::kF32;
    case ir::DType::kI64:
      return ref::ElemType::kI64;
    case ir::DType::kI32:
      return ref::ElemType::kI32;
    case ir::DType::kI8:
      return ref::ElemType::kI8;
    case ir::DType::kU8:
    case ir::DType::kBool:
      return ref::ElemType::kU8;
    default:
      throw std::runtime_error("element type " + std::string(ir::dtype_name(dtype)) +
                               " is not supported by the evaluator");
  }
}

ref::Dims ref_dims(const std::vector<int64_t>& dims) {
  if (dims.size() > static_cast<size_t>(ref::kMaxDims)) {
    throw std::runtime_error("rank " + std::to_string(dims.size()) + " is above " +
                             std::to_string(ref::kMaxDims));
  }
  return ref::make_dims(dims);
}

std::vector<int64_t> broadcast_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  const size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw std::runtime_error("shapes " + dims_string(a) + " and " + dims_string(b) +
                               " do not broadcast");
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::string dims_string(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(dims[i]);
  }
  return s + "]";
}

}  // namespace minirt::converter::onnx
