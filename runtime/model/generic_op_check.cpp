// check_model's rules for the generic ops: everything their kernels rely on
// to stay in bounds. Shapes are compared symbolically where the rule is exact
// (broadcasting, matmul, gather) and at the four corners of the planned
// (batch, seq) box where it is a bound (Slice, Concat): dims are bilinear in
// batch and seq, so a bound that holds at the corners holds inside.
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "ops/ref/generic_kernels.h"
#include "runtime/model/checked_math.h"
#include "runtime/model/op_checker.h"

namespace minirt {
namespace {

using Shape = std::vector<SymDim>;

std::string str(const Shape& shape) {
  ValueInfo v;
  v.shape = shape;
  return v.shape_str();
}

std::optional<Shape> broadcast(const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()));
  for (size_t i = 1; i <= out.size(); ++i) {
    const SymDim da = i <= a.size() ? a[a.size() - i] : fixed(1);
    const SymDim db = i <= b.size() ? b[b.size() - i] : fixed(1);
    if (da != db && da != fixed(1) && db != fixed(1)) return std::nullopt;
    out[out.size() - i] = da == fixed(1) ? db : da;
  }
  return out;
}

void same_shape(const OpChecker& c, const ValueInfo& v, const Shape& shape) {
  if (v.shape != shape)
    c.fail("'" + v.name + "' has shape " + v.shape_str() + ", expected " + str(shape));
}

// Each input broadcasts to exactly the output's shape.
void broadcasts_to_output(const OpChecker& c, size_t inputs) {
  Shape shape;
  for (size_t i = 0; i < inputs; ++i) {
    const std::optional<Shape> next = broadcast(shape, c.in(i).shape);
    if (!next) c.fail("'" + c.in(i).name + "' " + c.in(i).shape_str() + " does not broadcast");
    shape = *next;
  }
  same_shape(c, c.out(0), shape);
}

void dtype_is(const OpChecker& c, const ValueInfo& v, std::initializer_list<DType> allowed) {
  if (std::find(allowed.begin(), allowed.end(), v.dtype) == allowed.end())
    c.fail("'" + v.name + "' may not be " + dtype_name(v.dtype));
}

void same_dtype(const OpChecker& c, const ValueInfo& a, const ValueInfo& b) {
  if (a.dtype != b.dtype) c.fail("'" + a.name + "' and '" + b.name + "' differ in dtype");
}

void check_elementwise(const OpChecker& c, const OpInfo& op) {
  using Fn = ref::ElementwiseFn;
  if (op.elementwise_fn < 0 || op.elementwise_fn >= ref::kElementwiseFnCount)
    c.fail("unknown element-wise fn " + std::to_string(op.elementwise_fn));
  const auto fn = static_cast<Fn>(op.elementwise_fn);
  const size_t arity = static_cast<size_t>(ref::elementwise_arity(fn));
  c.arity(arity, 1);
  broadcasts_to_output(c, arity);
  const ValueInfo &x = c.in(0), &out = c.out(0);
  const auto all = {DType::F32, DType::I64, DType::U8};
  if (fn == Fn::kCast) return dtype_is(c, x, all), dtype_is(c, out, all);
  if (fn == Fn::kWhere) {
    dtype_is(c, x, {DType::U8});
    dtype_is(c, out, all);
    return same_dtype(c, c.in(1), out), same_dtype(c, c.in(2), out);
  }
  if (arity == 2) same_dtype(c, x, c.in(1));
  if (fn >= Fn::kEqual && fn <= Fn::kLessOrEqual)
    return dtype_is(c, x, all), dtype_is(c, out, {DType::U8});
  if (fn >= Fn::kAnd && fn <= Fn::kNot)
    return dtype_is(c, x, {DType::U8}), dtype_is(c, out, {DType::U8});
  same_dtype(c, x, out);
  dtype_is(c, x,
           fn <= Fn::kNeg ? std::initializer_list<DType>{DType::F32, DType::I64}
                          : std::initializer_list<DType>{DType::F32});
}

void check_generic_matmul(const OpChecker& c) {
  c.arity(2, 1);
  Shape a = c.in(0).shape, b = c.in(1).shape;
  for (const ValueInfo* v : {&c.in(0), &c.in(1), &c.out(0)}) dtype_is(c, *v, {DType::F32});
  if (a.empty() || b.empty()) c.fail("operands must have rank 1 or more");
  const bool a_vector = a.size() == 1, b_vector = b.size() == 1;
  if (a_vector) a.insert(a.begin(), fixed(1));
  if (b_vector) b.push_back(fixed(1));
  if (a.back() != b[b.size() - 2])
    c.fail("operands differ in K: " + c.in(0).shape_str() + " and " + c.in(1).shape_str());
  const std::optional<Shape> batch =
      broadcast(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  if (!batch) c.fail("batch dims do not broadcast");
  Shape out = *batch;
  if (!a_vector) out.push_back(a[a.size() - 2]);
  if (!b_vector) out.push_back(b.back());
  same_shape(c, c.out(0), out);
}

void check_gemm(const OpChecker& c, const OpInfo& op) {
  if (c.inputs() != 3) c.fail("needs inputs a, b and c (c may be absent)");
  c.arity(3, 1);
  const ValueInfo &a = c.in(0), &b = c.in(1);
  if (a.shape.size() != 2 || b.shape.size() != 2) c.fail("operands must be 2-D");
  for (const ValueInfo* v : {&a, &b, &c.out(0)}) dtype_is(c, *v, {DType::F32});
  if (a.shape[op.trans_a ? 0 : 1] != b.shape[op.trans_b ? 1 : 0]) c.fail("operands differ in K");
  const Shape out = {a.shape[op.trans_a ? 1 : 0], b.shape[op.trans_b ? 0 : 1]};
  same_shape(c, c.out(0), out);
  if (c.present(2)) {
    dtype_is(c, c.in(2), {DType::F32});
    if (broadcast(c.in(2).shape, out) != out) c.fail("c does not broadcast to the output");
  }
}

void axis_in_range(const OpChecker& c, int32_t axis, size_t rank) {
  if (axis < 0 || static_cast<size_t>(axis) >= rank)
    c.fail("axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
}

void check_row_op(const OpChecker& c, const OpInfo& op) {  // Softmax, LayerNormalization
  const bool layer_norm = op.kind == OpKind::LayerNormalization;
  if (layer_norm && c.inputs() != 2 && c.inputs() != 3) c.fail("needs 2 or 3 inputs");
  c.arity(layer_norm ? c.inputs() : 1, 1);
  const ValueInfo& x = c.in(0);
  axis_in_range(c, op.axis, x.shape.size());
  dtype_is(c, x, {DType::F32});
  c.expect(c.out(0), DType::F32, x.shape, "output");
  if (!layer_norm) return;
  const Shape normalized(x.shape.begin() + op.axis, x.shape.end());
  c.expect(c.in(1), DType::F32, normalized, "scale");
  if (c.inputs() == 3 && c.present(2)) c.expect(c.in(2), DType::F32, normalized, "bias");
  c.positive_finite(op.epsilon, "epsilon");
}

void check_reduce_mean(const OpChecker& c, const OpInfo& op) {
  c.arity(1, 1);
  const ValueInfo& x = c.in(0);
  dtype_is(c, x, {DType::F32});
  dtype_is(c, c.out(0), {DType::F32});
  Shape kept = x.shape, dropped;
  for (size_t i = 0; i < op.axes.size(); ++i) {
    axis_in_range(c, op.axes[i], x.shape.size());
    if (i > 0 && op.axes[i] <= op.axes[i - 1]) c.fail("axes must be sorted and distinct");
  }
  if (op.axes.empty()) c.fail("needs axes");
  for (size_t a = 0; a < x.shape.size(); ++a) {
    const bool reduced =
        std::find(op.axes.begin(), op.axes.end(), static_cast<int32_t>(a)) != op.axes.end();
    if (reduced) kept[a] = fixed(1);
    if (!reduced) dropped.push_back(x.shape[a]);
  }
  if (c.out(0).shape != kept && c.out(0).shape != dropped)
    c.fail("output shape is not the reduced input's");
}

std::array<std::pair<int64_t, int64_t>, 4> corners(int32_t max_batch, int32_t max_seq) {
  return {{{1, 1}, {1, max_seq}, {max_batch, 1}, {max_batch, max_seq}}};
}

void check_reshape(const OpChecker& c, int32_t max_batch, int32_t max_seq) {
  c.arity(1, 1);
  same_dtype(c, c.in(0), c.out(0));
  for (const auto& [b, s] : corners(max_batch, max_seq))
    if (c.in(0).numel({b, s}) != c.out(0).numel({b, s}))
      c.fail(c.in(0).shape_str() + " and " + c.out(0).shape_str() +
             " hold different element counts at batch " + std::to_string(b) + ", seq " +
             std::to_string(s));
}

void check_transpose(const OpChecker& c, const OpInfo& op) {
  c.arity(1, 1);
  const ValueInfo& x = c.in(0);
  if (op.axes.size() != x.shape.size()) c.fail("perm does not match the rank");
  Shape out;
  std::vector<bool> seen(x.shape.size(), false);
  for (int32_t a : op.axes) {
    axis_in_range(c, a, x.shape.size());
    if (seen[static_cast<size_t>(a)]) c.fail("perm repeats axis " + std::to_string(a));
    seen[static_cast<size_t>(a)] = true;
    out.push_back(x.shape[static_cast<size_t>(a)]);
  }
  same_dtype(c, x, c.out(0));
  same_shape(c, c.out(0), out);
}

void check_gather(const OpChecker& c, const OpInfo& op) {
  c.arity(2, 1);
  const ValueInfo &data = c.in(0), &indices = c.in(1);
  dtype_is(c, indices, {DType::I64});
  Shape out;
  if (op.kind == OpKind::Gather) {
    axis_in_range(c, op.axis, data.shape.size());
    const auto axis = static_cast<size_t>(op.axis);
    out.assign(data.shape.begin(), data.shape.begin() + op.axis);
    out.insert(out.end(), indices.shape.begin(), indices.shape.end());
    out.insert(out.end(), data.shape.begin() + static_cast<ptrdiff_t>(axis) + 1, data.shape.end());
  } else {
    if (indices.shape.empty() || indices.shape.back().batch || indices.shape.back().seq ||
        indices.shape.back().factor > static_cast<int64_t>(data.shape.size()))
      c.fail("indices must end in a constant dim of at most the data's rank");
    out.assign(indices.shape.begin(), indices.shape.end() - 1);
    out.insert(out.end(), data.shape.begin() + indices.shape.back().factor, data.shape.end());
  }
  same_dtype(c, data, c.out(0));
  same_shape(c, c.out(0), out);
}

void check_slice(const OpChecker& c, const OpInfo& op, int32_t max_batch, int32_t max_seq) {
  c.arity(1, 1);
  const ValueInfo &x = c.in(0), &out = c.out(0);
  const size_t rank = x.shape.size();
  if (op.dims.size() != rank || op.steps.size() != rank || out.shape.size() != rank)
    c.fail("starts, steps and the output need one entry per input axis");
  same_dtype(c, x, out);
  for (size_t a = 0; a < rank; ++a) {
    if (op.steps[a] == 0) c.fail("step 0 on axis " + std::to_string(a));
    for (const auto& [b, s] : corners(max_batch, max_seq)) {
      const std::string where = "axis " + std::to_string(a) + " reads past the input at batch " +
                                std::to_string(b) + ", seq " + std::to_string(s);
      // Counts and extents are values' dims (bounded at load); the start and
      // the step are the file's own numbers.
      const int64_t count = out.shape[a].eval({b, s}), extent = x.shape[a].eval({b, s});
      const std::optional<int64_t> first = checked_eval(op.dims[a], {b, s});
      const std::optional<int64_t> span = checked_mul(count - 1, op.steps[a]);
      const std::optional<int64_t> last = first && span ? checked_add(*first, *span) : std::nullopt;
      if (!last) c.fail(where + " (the start or the step overflows)");
      if (*first < 0 || *first >= extent || *last < 0 || *last >= extent) c.fail(where);
    }
  }
}

void check_concat(const OpChecker& c, const OpInfo& op, int32_t max_batch, int32_t max_seq) {
  if (c.inputs() == 0) c.fail("needs inputs");
  c.arity(c.inputs(), 1);
  const ValueInfo& out = c.out(0);
  axis_in_range(c, op.axis, out.shape.size());
  for (const auto& [b, s] : corners(max_batch, max_seq)) {
    int64_t total = 0;
    for (size_t i = 0; i < c.inputs(); ++i) {
      const ValueInfo& part = c.in(i);
      same_dtype(c, part, out);
      if (part.shape.size() != out.shape.size()) c.fail("'" + part.name + "' differs in rank");
      for (size_t a = 0; a < out.shape.size(); ++a)
        if (a != static_cast<size_t>(op.axis) && part.shape[a] != out.shape[a])
          c.fail("'" + part.name + "' differs from the output off the axis");
      const std::optional<int64_t> sum =
          checked_add(total, part.shape[static_cast<size_t>(op.axis)].eval({b, s}));
      if (!sum) c.fail("the parts' sizes overflow");
      total = *sum;
    }
    if (total != out.shape[static_cast<size_t>(op.axis)].eval({b, s}))
      c.fail("the parts do not add up to the output");
  }
}

void check_expand(const OpChecker& c) {
  c.arity(1, 1);
  same_dtype(c, c.in(0), c.out(0));
  if (broadcast(c.in(0).shape, c.out(0).shape) != c.out(0).shape)
    c.fail("'" + c.in(0).name + "' " + c.in(0).shape_str() + " does not broadcast to " +
           c.out(0).shape_str());
}

void check_produced(const OpChecker& c, const OpInfo& op, int32_t max_batch,
                    int32_t max_seq) {  // Range, DimValues
  c.arity(0, 1);
  const ValueInfo& out = c.out(0);
  if (op.kind == OpKind::Range) {
    if (!std::isfinite(op.start) || !std::isfinite(op.delta))
      c.fail("start and delta must be finite");
    if (out.shape.size() != 1) c.fail("output must be 1-D");
    return dtype_is(c, out, {DType::F32, DType::I64});
  }
  dtype_is(c, out, {DType::I64});
  for (const SymDim& d : out.shape)
    if (d.batch || d.seq) c.fail("output must have a constant shape");
  if (out.numel({1, 1}) != static_cast<int64_t>(op.dims.size()))
    c.fail("needs one value per output element");
  // The values are the file's own factors, not a value's (bounded) dims; the
  // product is largest in magnitude at max batch and seq.
  for (const SymDim& d : op.dims)
    if (!checked_eval(d, {max_batch, max_seq}))
      c.fail("value " + d.str() + " overflows at max_batch " + std::to_string(max_batch) +
             ", max_seq " + std::to_string(max_seq));
}

// QuantizeLinear, DequantizeLinear: f32 <-> i8 or u8, one scale (and zero
// point) per tensor or per index along axis, both weights.
void check_quantize_linear(const OpChecker& c, const OpInfo& op) {
  c.arity(3, 1);
  const bool quantize = op.kind == OpKind::QuantizeLinear;
  const ValueInfo &x = c.in(0), &out = c.out(0), &scale = c.in(1);
  const ValueInfo& levels = quantize ? out : x;
  dtype_is(c, quantize ? x : out, {DType::F32});
  dtype_is(c, levels, {DType::I8, DType::U8});
  same_shape(c, out, x.shape);
  c.expect_weight(scale, "scale");
  dtype_is(c, scale, {DType::F32});
  const int64_t channels = scale.numel({1, 1});
  if (channels != 1) {
    axis_in_range(c, op.axis, x.shape.size());
    const SymDim& dim = x.shape[static_cast<size_t>(op.axis)];
    if (dim != fixed(channels))
      c.fail("scale has " + std::to_string(channels) + " values for axis " +
             std::to_string(op.axis) + " of " + x.shape_str());
  }
  if (!c.present(2)) return;
  c.expect_weight(c.in(2), "zero point");
  same_dtype(c, c.in(2), levels);
  if (c.in(2).numel({1, 1}) != channels) c.fail("zero point and scale differ in size");
}

}  // namespace

void check_generic_op(const OpChecker& c, const OpInfo& op, int32_t max_batch, int32_t max_seq) {
  switch (op.kind) {
    case OpKind::Elementwise:
      return check_elementwise(c, op);
    case OpKind::GenericMatMul:
      return check_generic_matmul(c);
    case OpKind::Gemm:
      return check_gemm(c, op);
    case OpKind::Softmax:
    case OpKind::LayerNormalization:
      return check_row_op(c, op);
    case OpKind::ReduceMean:
      return check_reduce_mean(c, op);
    case OpKind::Reshape:
      return check_reshape(c, max_batch, max_seq);
    case OpKind::Transpose:
      return check_transpose(c, op);
    case OpKind::Gather:
    case OpKind::GatherND:
      return check_gather(c, op);
    case OpKind::Slice:
      return check_slice(c, op, max_batch, max_seq);
    case OpKind::Concat:
      return check_concat(c, op, max_batch, max_seq);
    case OpKind::Expand:
      return check_expand(c);
    case OpKind::Range:
    case OpKind::DimValues:
      return check_produced(c, op, max_batch, max_seq);
    case OpKind::QuantizeLinear:
    case OpKind::DequantizeLinear:
      return check_quantize_linear(c, op);
    default:
      c.fail("is not a generic op");
  }
}

}  // namespace minirt
