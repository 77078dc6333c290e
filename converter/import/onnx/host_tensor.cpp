#include "converter/import/onnx/host_tensor.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace minirt::converter::onnx {

int64_t HostTensor::count() const {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

int64_t HostTensor::int_at(size_t i) const {
  const double v = at(i);
  constexpr double kLimit = 9.2e18;  // just inside the int64 range
  if (v >= kLimit) return std::numeric_limits<int64_t>::max();
  if (v <= -kLimit) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

std::vector<int64_t> HostTensor::ints() const {
  std::vector<int64_t> out(static_cast<size_t>(count()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = int_at(i);
  return out;
}

HostTensor HostTensor::zeros(ir::DType dtype, std::vector<int64_t> dims) {
  HostTensor t;
  t.dtype = dtype;
  t.dims = std::move(dims);
  const int64_t n = t.count();
  if (n < 0 || n > (int64_t{1} << 31)) {
    throw std::runtime_error("tensor of shape " + dims_string(t.dims) + " is too large");
  }
  t.values.assign(static_cast<size_t>(n), 0.0);
  return t;
}

HostTensor HostTensor::of_ints(std::vector<int64_t> values, std::vector<int64_t> dims) {
  HostTensor t = zeros(ir::DType::kI64, std::move(dims));
  for (size_t i = 0; i < values.size(); ++i) t.values[i] = static_cast<double>(values[i]);
  return t;
}

void HostTensor::set(size_t i, double v) {
  switch (dtype) {
    case ir::DType::kF32:
      values[i] = static_cast<float>(v);
      return;
    case ir::DType::kBool:
      values[i] = v != 0;
      return;
    default:
      values[i] = std::trunc(v);
      return;
  }
}

std::vector<int64_t> strides_of(const std::vector<int64_t>& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) strides[i - 1] = strides[i] * dims[i];
  return strides;
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

std::vector<int64_t> broadcast_index(const std::vector<int64_t>& dims,
                                     const std::vector<int64_t>& out_dims) {
  const size_t offset = out_dims.size() - dims.size();
  const std::vector<int64_t> strides = strides_of(dims);
  int64_t total = 1;
  for (int64_t d : out_dims) total *= d;
  std::vector<int64_t> index(static_cast<size_t>(total));
  std::vector<int64_t> pos(out_dims.size(), 0);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t src = 0;
    for (size_t axis = offset; axis < out_dims.size(); ++axis) {
      if (dims[axis - offset] != 1) src += pos[axis] * strides[axis - offset];
    }
    index[static_cast<size_t>(flat)] = src;
    for (size_t axis = out_dims.size(); axis-- > 0;) {
      if (++pos[axis] < out_dims[axis]) break;
      pos[axis] = 0;
    }
  }
  return index;
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
