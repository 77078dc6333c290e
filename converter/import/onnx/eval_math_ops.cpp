// ONNX ops with reductions: MatMul, Gemm, Softmax, ReduceMean, LayerNormalization.
#include <cmath>
#include <stdexcept>

#include "converter/import/onnx/evaluator.h"

namespace minirt::converter::onnx {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

// Batched matrix product with broadcasting over leading dims; 1-D operands
// are promoted as numpy does.
std::vector<HostTensor> matmul(const ir::Attributes&, const EvalInputs& in) {
  HostTensor a = required_input(in, 0), b = required_input(in, 1);
  const bool a_vec = a.rank() == 1, b_vec = b.rank() == 1;
  if (a_vec) a.dims.insert(a.dims.begin(), 1);
  if (b_vec) b.dims.push_back(1);
  if (a.rank() < 2 || b.rank() < 2) fail("MatMul of a scalar");
  const int64_t m = a.dims[a.rank() - 2], k = a.dims.back(), n = b.dims.back();
  if (b.dims[b.rank() - 2] != k) {
    fail("MatMul shapes " + dims_string(a.dims) + " and " + dims_string(b.dims) + " differ in K");
  }
  const std::vector<int64_t> a_batch(a.dims.begin(), a.dims.end() - 2);
  const std::vector<int64_t> b_batch(b.dims.begin(), b.dims.end() - 2);
  std::vector<int64_t> dims = broadcast_dims(a_batch, b_batch);
  const std::vector<int64_t> a_index = broadcast_index(a_batch, dims);
  const std::vector<int64_t> b_index = broadcast_index(b_batch, dims);
  const size_t batches = a_index.size();
  if (!a_vec) dims.push_back(m);
  if (!b_vec) dims.push_back(n);
  HostTensor out = HostTensor::zeros(a.dtype, dims);
  for (size_t batch = 0; batch < batches; ++batch) {
    const size_t a0 = static_cast<size_t>(a_index[batch] * m * k);
    const size_t b0 = static_cast<size_t>(b_index[batch] * k * n);
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double sum = 0;
        for (int64_t p = 0; p < k; ++p) sum += a.at(a0 + i * k + p) * b.at(b0 + p * n + j);
        out.set(batch * m * n + i * n + j, sum);
      }
    }
  }
  return {std::move(out)};
}

std::vector<HostTensor> gemm(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& a = required_input(in, 0);
  const HostTensor& b = required_input(in, 1);
  if (a.rank() != 2 || b.rank() != 2) fail("Gemm needs 2-D operands");
  const bool ta = attrs.get_int_or("transA", 0) != 0, tb = attrs.get_int_or("transB", 0) != 0;
  const double alpha = attrs.get_float_or("alpha", 1), beta = attrs.get_float_or("beta", 1);
  const int64_t m = ta ? a.dims[1] : a.dims[0], k = ta ? a.dims[0] : a.dims[1];
  const int64_t n = tb ? b.dims[0] : b.dims[1];
  if ((tb ? b.dims[1] : b.dims[0]) != k) fail("Gemm operands differ in K");
  HostTensor out = HostTensor::zeros(a.dtype, {m, n});
  const HostTensor* c = in.size() > 2 ? in[2] : nullptr;
  const std::vector<int64_t> c_index =
      c ? broadcast_index(c->dims, out.dims) : std::vector<int64_t>{};
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t p = 0; p < k; ++p) {
        sum += a.at(ta ? p * m + i : i * k + p) * b.at(tb ? j * k + p : p * n + j);
      }
      const size_t e = i * n + j;
      out.set(e, alpha * sum + (c ? beta * c->at(c_index[e]) : 0.0));
    }
  }
  return {std::move(out)};
}

// Calls fn(base, stride, length) for every row along `axis` (all trailing
// axes from `axis` on when `flatten_tail`).
template <typename Fn>
void for_each_row(const std::vector<int64_t>& dims, size_t axis, bool flatten_tail, Fn&& fn) {
  int64_t outer = 1, length = 1, inner = 1;
  for (size_t a = 0; a < dims.size(); ++a) {
    if (a < axis)
      outer *= dims[a];
    else if (a == axis || flatten_tail)
      length *= dims[a];
    else
      inner *= dims[a];
  }
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i)
      fn(static_cast<size_t>(o * length * inner + i), static_cast<size_t>(inner), length);
  }
}

std::vector<HostTensor> softmax(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& x = required_input(in, 0);
  HostTensor out = HostTensor::zeros(x.dtype, x.dims);
  const size_t axis = normalize_axis(attrs.get_int_or("axis", -1), x.rank());
  for_each_row(x.dims, axis, false, [&](size_t base, size_t stride, int64_t length) {
    double max = -INFINITY, sum = 0;
    for (int64_t j = 0; j < length; ++j) max = std::max(max, x.at(base + j * stride));
    for (int64_t j = 0; j < length; ++j) sum += std::exp(x.at(base + j * stride) - max);
    for (int64_t j = 0; j < length; ++j)
      out.set(base + j * stride, std::exp(x.at(base + j * stride) - max) / sum);
  });
  return {std::move(out)};
}

std::vector<HostTensor> reduce_mean(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& x = required_input(in, 0);
  std::vector<int64_t> axes = attrs.has("axes")        ? attrs.get_ints("axes")
                              : in.size() > 1 && in[1] ? in[1]->ints()
                                                       : std::vector<int64_t>{};
  if (axes.size() != 1)
    fail("ReduceMean over " + std::to_string(axes.size()) +
         " axes is not supported (one axis only)");
  const size_t axis = normalize_axis(axes[0], x.rank());
  std::vector<int64_t> dims = x.dims;
  dims[axis] = 1;
  if (attrs.get_int_or("keepdims", 1) == 0) dims.erase(dims.begin() + axis);
  HostTensor out = HostTensor::zeros(x.dtype, dims);
  for_each_row(x.dims, axis, false, [&](size_t base, size_t stride, int64_t length) {
    double sum = 0;
    for (int64_t j = 0; j < length; ++j) sum += x.at(base + j * stride);
    const size_t inner = stride, o = base / (inner * length), i = base % inner;
    out.set(o * inner + i, sum / static_cast<double>(length));
  });
  return {std::move(out)};
}

std::vector<HostTensor> layer_normalization(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& x = required_input(in, 0);
  const HostTensor& gamma = required_input(in, 1);
  const HostTensor* beta = in.size() > 2 ? in[2] : nullptr;
  const size_t axis = normalize_axis(attrs.get_int_or("axis", -1), x.rank());
  const double eps = attrs.get_float_or("epsilon", 1e-5f);
  HostTensor out = HostTensor::zeros(x.dtype, x.dims);
  for_each_row(x.dims, axis, true, [&](size_t base, size_t, int64_t length) {
    if (gamma.count() != length)
      fail("LayerNormalization scale does not match the normalized size");
    double mean = 0, var = 0;
    for (int64_t j = 0; j < length; ++j) mean += x.at(base + j);
    mean /= static_cast<double>(length);
    for (int64_t j = 0; j < length; ++j) var += (x.at(base + j) - mean) * (x.at(base + j) - mean);
    const double inv = 1.0 / std::sqrt(var / static_cast<double>(length) + eps);
    for (int64_t j = 0; j < length; ++j) {
      out.set(base + j, (x.at(base + j) - mean) * inv * gamma.at(j) + (beta ? beta->at(j) : 0.0));
    }
  });
  return {std::move(out)};
}

}  // namespace

void add_math_ops(EvalTable& t) {
  t["MatMul"] = matmul;
  t["Gemm"] = gemm;
  t["Softmax"] = softmax;
  t["ReduceMean"] = reduce_mean;
  t["LayerNormalization"] = layer_normalization;
}

}  // namespace minirt::converter::onnx
