// ONNX ops with reductions: MatMul, Gemm, Softmax, ReduceMean,
// LayerNormalization, on ops/ref's f32 kernels.
#include <algorithm>
#include <stdexcept>

#include "converter/import/onnx/evaluator.h"
#include "ops/parallel.h"

namespace minirt::converter::onnx {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

const HostTensor& f32_input(const EvalInputs& in, size_t i) {
  const HostTensor& t = required_input(in, i);
  require_dtype(t, {ir::DType::kF32}, "input " + std::to_string(i));
  return t;
}

// A f32 tensor of dims that run(float* dst) computes.
template <typename Run>
HostTensor f32_result(std::vector<int64_t> dims, Run&& run) {
  return HostTensor::computed(ir::DType::kF32, std::move(dims), [&](void* dst) {
    SerialParallel serial;
    run(static_cast<float*>(dst), serial);
  });
}

}  // namespace

std::vector<int64_t> matmul_dims(const std::vector<int64_t>& a_dims,
                                 const std::vector<int64_t>& b_dims) {
  std::vector<int64_t> a = a_dims, b = b_dims;
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  if (a.size() < 2 || b.size() < 2) fail("MatMul of a scalar");
  if (b[b.size() - 2] != a.back()) {
    fail("MatMul shapes " + dims_string(a_dims) + " and " + dims_string(b_dims) + " differ in K");
  }
  std::vector<int64_t> dims = broadcast_dims(std::vector<int64_t>(a.begin(), a.end() - 2),
                                             std::vector<int64_t>(b.begin(), b.end() - 2));
  if (!a_vec) dims.push_back(a[a.size() - 2]);
  if (!b_vec) dims.push_back(b.back());
  return dims;
}

namespace {

std::vector<HostTensor> matmul(const ir::Attributes&, const EvalInputs& in) {
  const HostTensor &a = f32_input(in, 0), &b = f32_input(in, 1);
  return {f32_result(matmul_dims(a.dims, b.dims), [&](float* dst, Parallel& p) {
    ref::batched_matmul(
        {a.data_as<float>(), b.data_as<float>(), dst, ref_dims(a.dims), ref_dims(b.dims)}, p);
  })};
}

std::vector<HostTensor> gemm(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor &a = f32_input(in, 0), &b = f32_input(in, 1);
  if (a.rank() != 2 || b.rank() != 2) fail("Gemm needs 2-D operands");
  ref::GemmArgs args;
  args.trans_a = attrs.get_int_or("transA", 0) != 0;
  args.trans_b = attrs.get_int_or("transB", 0) != 0;
  args.alpha = attrs.get_float_or("alpha", 1);
  args.beta = attrs.get_float_or("beta", 1);
  args.m = args.trans_a ? a.dims[1] : a.dims[0];
  args.k = args.trans_a ? a.dims[0] : a.dims[1];
  args.n = args.trans_b ? b.dims[0] : b.dims[1];
  if ((args.trans_b ? b.dims[1] : b.dims[0]) != args.k) fail("Gemm operands differ in K");
  args.a = a.data_as<float>();
  args.b = b.data_as<float>();
  if (optional_input(in, 2) != nullptr) {
    const HostTensor& c = f32_input(in, 2);
    if (broadcast_dims(c.dims, {args.m, args.n}) != std::vector<int64_t>{args.m, args.n})
      fail("Gemm's C " + dims_string(c.dims) + " does not broadcast to the output");
    args.c = c.data_as<float>();
    args.c_dims = ref_dims(c.dims);
  }
  return {f32_result({args.m, args.n}, [&](float* dst, Parallel& p) {
    args.dst = dst;
    ref::gemm(args, p);
  })};
}

std::vector<HostTensor> softmax(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& x = f32_input(in, 0);
  const int axis = static_cast<int>(normalize_axis(attrs.get_int_or("axis", -1), x.rank()));
  return {f32_result(x.dims, [&](float* dst, Parallel& p) {
    ref::softmax({x.data_as<float>(), dst, ref_dims(x.dims), axis}, p);
  })};
}

// Any set of axes (attribute, or input 1 from opset 18), negative ones
// counting from the end; none means all, or no reduction with
// noop_with_empty_axes.
std::vector<HostTensor> reduce_mean(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& x = f32_input(in, 0);
  const std::vector<int64_t> axes = axes_of(attrs, in);
  if (axes.empty() && attrs.get_int_or("noop_with_empty_axes", 0) != 0) return {x};
  ref::ReduceMeanArgs args;
  args.src = x.data_as<float>();
  args.dims = ref_dims(x.dims);
  for (int64_t a : axes) args.reduced[normalize_axis(a, x.rank())] = true;
  if (axes.empty()) std::fill(args.reduced.begin(), args.reduced.begin() + x.rank(), true);
  const bool keep = attrs.get_int_or("keepdims", 1) != 0;
  std::vector<int64_t> dims;
  for (size_t a = 0; a < x.rank(); ++a) {
    if (!args.reduced[a] || keep) dims.push_back(args.reduced[a] ? 1 : x.dims[a]);
  }
  return {f32_result(dims, [&](float* dst, Parallel& p) {
    args.dst = dst;
    ref::reduce_mean(args, p);
  })};
}

std::vector<HostTensor> layer_normalization(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& x = f32_input(in, 0);
  const HostTensor& scale = f32_input(in, 1);
  const size_t axis = normalize_axis(attrs.get_int_or("axis", -1), x.rank());
  ref::LayerNormalizationArgs args;
  args.rows = 1;
  for (size_t a = 0; a < axis; ++a) args.rows *= x.dims[a];
  args.cols = args.rows == 0 ? 0 : x.count() / args.rows;
  if (scale.count() != args.cols)
    fail("LayerNormalization scale does not match the normalized size");
  if (optional_input(in, 2) != nullptr) {
    const HostTensor& bias = f32_input(in, 2);
    if (bias.count() != args.cols)
      fail("LayerNormalization bias does not match the normalized size");
    args.bias = bias.data_as<float>();
  }
  args.src = x.data_as<float>();
  args.scale = scale.data_as<float>();
  args.epsilon = attrs.get_float_or("epsilon", 1e-5f);
  return {f32_result(x.dims, [&](float* dst, Parallel& p) {
    args.dst = dst;
    ref::layer_normalization(args, p);
  })};
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
