// Emit's checks of the generic ops against minirt.fbs: arity, dtypes,
// attributes, and shapes exactly where they are symbolic (broadcasting,
// matmul, gather) or at the corners of the planned sizes (Slice bounds,
// Concat extents).
#include <algorithm>
#include <array>
#include <numeric>

#include "converter/emit/op_checker.h"
#include "converter/ir/op_types.h"

namespace minirt::converter {
namespace {

const std::vector<std::string> kBinaryArithmetic = {"Add", "Sub", "Mul", "Div",
                                                    "Pow", "Max", "Min"};
const std::vector<std::string> kComparisons = {"Equal", "Greater", "GreaterOrEqual", "Less",
                                               "LessOrEqual"};
const std::vector<std::string> kFloatUnary = {"Sqrt", "Exp", "Erf", "Tanh", "GeluErf", "GeluTanh"};

bool one_of(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// numpy broadcast of two symbolic shapes; nullopt when a pair of dims differs
// and neither is 1.
std::optional<Shape> broadcast(const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()));
  for (size_t i = 1; i <= out.size(); ++i) {
    const ir::Dim da = i <= a.size() ? a[a.size() - i] : ir::const_dim(1);
    const ir::Dim db = i <= b.size() ? b[b.size() - i] : ir::const_dim(1);
    if (da != db && da != ir::const_dim(1) && db != ir::const_dim(1)) return std::nullopt;
    out[out.size() - i] = da == ir::const_dim(1) ? db : da;
  }
  return out;
}

void broadcasts_to(const OpChecker& c, std::vector<const Value*> inputs, const Value& out) {
  Shape shape;
  for (const Value* v : inputs) {
    const std::optional<Shape> next = broadcast(shape, v->shape);
    c.expect(next.has_value(), "'" + v->name + "' " + ir::to_string(v->shape) +
                                   " does not broadcast with " + ir::to_string(shape));
    shape = *next;
  }
  c.shape_is(out, shape);
}

void dtype_in(const OpChecker& c, const Value& v, std::initializer_list<DType> allowed) {
  c.expect(std::find(allowed.begin(), allowed.end(), v.dtype) != allowed.end(),
           "'" + v.name + "' may not be " + std::string(ir::dtype_name(v.dtype)));
}

void same_dtype(const OpChecker& c, const Value& a, const Value& b) {
  c.expect(a.dtype == b.dtype, "'" + a.name + "' and '" + b.name + "' differ in dtype");
}

void check_elementwise(const OpChecker& c) {
  const std::string& fn = c.string_attr("fn");
  const size_t arity = fn == "Where" ? 3
                       : (one_of(kFloatUnary, fn) || fn == "Neg" || fn == "Not" || fn == "Cast")
                           ? 1
                           : 2;
  c.counts(arity, 1);
  const Value& x = c.any_in(0);
  const Value& out = c.any_out(0);
  std::vector<const Value*> inputs;
  for (size_t i = 0; i < arity; ++i) inputs.push_back(&c.any_in(i));
  broadcasts_to(c, inputs, out);
  if (fn == "Cast") return dtype_in(c, out, {DType::kF32, DType::kI64, DType::kBool});
  if (fn == "Where") {
    c.expect(x.dtype == DType::kBool, "the condition must be bool");
    same_dtype(c, c.any_in(1), c.any_in(2));
    return same_dtype(c, c.any_in(1), out);
  }
  if (arity == 2) same_dtype(c, x, c.any_in(1));
  if (one_of(kBinaryArithmetic, fn) || fn == "Neg") {
    dtype_in(c, x, {DType::kF32, DType::kI64});
    return same_dtype(c, x, out);
  }
  if (one_of(kFloatUnary, fn)) {
    dtype_in(c, x, {DType::kF32});
    return same_dtype(c, x, out);
  }
  const bool comparison = one_of(kComparisons, fn);
  c.expect(comparison || fn == "And" || fn == "Or" || fn == "Not", "unknown fn '" + fn + "'");
  dtype_in(c, x,
           comparison ? std::initializer_list<DType>{DType::kF32, DType::kI64, DType::kBool}
                      : std::initializer_list<DType>{DType::kBool});
  dtype_in(c, out, {DType::kBool});
}

void check_generic_matmul(const OpChecker& c) {
  c.counts(2, 1);
  Shape a = c.in(0).shape, b = c.in(1).shape;
  c.expect(!a.empty() && !b.empty(), "operands must have rank 1 or more");
  const bool a_vector = a.size() == 1, b_vector = b.size() == 1;
  if (a_vector) a.insert(a.begin(), ir::const_dim(1));
  if (b_vector) b.push_back(ir::const_dim(1));
  c.expect(a.back() == b[b.size() - 2], "operands differ in K: " + ir::to_string(c.in(0).shape) +
                                            " and " + ir::to_string(c.in(1).shape));
  const std::optional<Shape> batch =
      broadcast(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  c.expect(batch.has_value(), "batch dims do not broadcast");
  Shape out = *batch;
  if (!a_vector) out.push_back(a[a.size() - 2]);
  if (!b_vector) out.push_back(b.back());
  c.shape_is(c.out(0), out);
}

void check_gemm(const OpChecker& c) {
  c.expect(c.op().inputs.size() == 3, "needs inputs a, b and c (c may be absent)");
  const Value &a = c.in(0), &b = c.in(1);
  c.rank_is(a, 2);
  c.rank_is(b, 2);
  const bool ta = c.op().attrs.get_int("trans_a") != 0, tb = c.op().attrs.get_int("trans_b") != 0;
  c.expect(a.shape[ta ? 0 : 1] == b.shape[tb ? 1 : 0], "operands differ in K");
  const Shape out = {a.shape[ta ? 1 : 0], b.shape[tb ? 0 : 1]};
  c.shape_is(c.out(0), out);
  if (c.present(2)) broadcasts_to(c, {&c.in(2), &c.out(0)}, c.out(0));
  c.op().attrs.get_float("alpha");
  c.op().attrs.get_float("beta");
}

size_t axis_attr(const OpChecker& c, const Value& v, bool end_allowed = false) {
  const int64_t axis = c.op().attrs.get_int("axis");
  const auto rank = static_cast<int64_t>(v.shape.size());
  c.expect(axis >= 0 && (axis < rank || (end_allowed && axis == rank)),
           "axis " + std::to_string(axis) + " is out of range for rank " + std::to_string(rank));
  return static_cast<size_t>(axis);
}

void check_softmax(const OpChecker& c) {
  c.counts(1, 1);
  axis_attr(c, c.in(0));
  c.shape_is(c.out(0), c.in(0).shape);
}

void check_layer_normalization(const OpChecker& c) {
  c.expect(c.op().inputs.size() == 2 || c.op().inputs.size() == 3, "needs 2 or 3 inputs");
  const Value& x = c.in(0);
  const size_t axis = axis_attr(c, x);
  const Shape normalized(x.shape.begin() + static_cast<ptrdiff_t>(axis), x.shape.end());
  c.shape_is(c.in(1), normalized);
  if (c.op().inputs.size() == 3 && c.present(2)) c.shape_is(c.in(2), normalized);
  c.shape_is(c.out(0), x.shape);
  c.positive_float("epsilon");
}

void check_reduce_mean(const OpChecker& c) {
  c.counts(1, 1);
  const Value& x = c.in(0);
  const std::vector<int64_t>& axes = c.op().attrs.get_ints("axes");
  c.expect(!axes.empty() && std::is_sorted(axes.begin(), axes.end()) &&
               std::adjacent_find(axes.begin(), axes.end()) == axes.end() && axes.front() >= 0 &&
               axes.back() < static_cast<int64_t>(x.shape.size()),
           "axes must be sorted, distinct and within the rank");
  Shape kept = x.shape, dropped;
  for (size_t a = 0; a < x.shape.size(); ++a) {
    const bool reduced = std::find(axes.begin(), axes.end(), static_cast<int64_t>(a)) != axes.end();
    if (reduced) kept[a] = ir::const_dim(1);
    if (!reduced) dropped.push_back(x.shape[a]);
  }
  c.expect(c.out(0).shape == kept || c.out(0).shape == dropped,
           "output shape " + ir::to_string(c.out(0).shape) + " is not the reduced input's");
}

// factor * B^batch_power * S^seq_power: an element count, exactly.
struct Monomial {
  int64_t factor = 1;
  int batch_power = 0, seq_power = 0;
  bool operator==(const Monomial&) const = default;
};
Monomial element_monomial(const Shape& shape) {
  Monomial m;
  for (const ir::Dim& d : shape) {
    m.factor *= d.factor;
    m.batch_power += d.batch;
    m.seq_power += d.seq;
  }
  return m;
}

void check_reshape(const OpChecker& c) {
  c.counts(1, 1);
  same_dtype(c, c.any_in(0), c.any_out(0));
  c.expect(element_monomial(c.any_in(0).shape) == element_monomial(c.any_out(0).shape),
           ir::to_string(c.any_in(0).shape) + " and " + ir::to_string(c.any_out(0).shape) +
               " hold different element counts");
}

void check_transpose(const OpChecker& c) {
  c.counts(1, 1);
  const Value& x = c.any_in(0);
  std::vector<int64_t> perm = c.op().attrs.get_ints("perm");
  c.expect(perm.size() == x.shape.size(), "perm does not match the rank");
  Shape out;
  for (int64_t a : perm) {
    c.expect(a >= 0 && a < static_cast<int64_t>(x.shape.size()), "perm entry out of range");
    out.push_back(x.shape[static_cast<size_t>(a)]);
  }
  std::sort(perm.begin(), perm.end());
  c.expect(std::adjacent_find(perm.begin(), perm.end()) == perm.end(), "perm repeats an axis");
  same_dtype(c, x, c.any_out(0));
  c.shape_is(c.any_out(0), out);
}

void check_gather(const OpChecker& c) {
  c.counts(2, 1);
  const Value& data = c.any_in(0);
  const Value& indices = c.in(1, DType::kI64);
  const size_t axis = axis_attr(c, data);
  Shape out(data.shape.begin(), data.shape.begin() + static_cast<ptrdiff_t>(axis));
  out.insert(out.end(), indices.shape.begin(), indices.shape.end());
  out.insert(out.end(), data.shape.begin() + static_cast<ptrdiff_t>(axis) + 1, data.shape.end());
  same_dtype(c, data, c.any_out(0));
  c.shape_is(c.any_out(0), out);
}

void check_gather_nd(const OpChecker& c) {
  c.counts(2, 1);
  const Value& data = c.any_in(0);
  const Value& indices = c.in(1, DType::kI64);
  c.expect(!indices.shape.empty() && indices.shape.back().is_constant() &&
               indices.shape.back().factor <= static_cast<int64_t>(data.shape.size()),
           "indices must end in a constant dim of at most the data's rank");
  Shape out(indices.shape.begin(), indices.shape.end() - 1);
  out.insert(out.end(), data.shape.begin() + indices.shape.back().factor, data.shape.end());
  same_dtype(c, data, c.any_out(0));
  c.shape_is(c.any_out(0), out);
}

int64_t eval(const ir::Dim& d, int64_t batch, int64_t seq) {
  return d.factor * (d.batch ? batch : 1) * (d.seq ? seq : 1);
}

// The (batch, seq) corners of the planned sizes: every dim is bilinear in
// them, so a bound that holds at the corners holds everywhere between.
std::array<std::pair<int64_t, int64_t>, 4> corners(int64_t max_batch, int64_t max_seq) {
  return {{{1, 1}, {1, max_seq}, {max_batch, 1}, {max_batch, max_seq}}};
}

void check_slice(const OpChecker& c, int64_t max_batch, int64_t max_seq) {
  c.counts(1, 1);
  const Value& x = c.any_in(0);
  const Value& out = c.any_out(0);
  const std::vector<int64_t>& starts = c.op().attrs.get_ints("starts");
  const std::vector<int64_t>& symbols = c.op().attrs.get_ints("start_symbols");
  const std::vector<int64_t>& steps = c.op().attrs.get_ints("steps");
  const size_t rank = x.shape.size();
  c.expect(starts.size() == rank && symbols.size() == rank && steps.size() == rank &&
               out.shape.size() == rank,
           "starts, steps and the output need one entry per input axis");
  same_dtype(c, x, out);
  for (size_t a = 0; a < rank; ++a) {
    c.expect(steps[a] != 0, "step 0 on axis " + std::to_string(a));
    const ir::Dim start{starts[a], (symbols[a] & 1) != 0, (symbols[a] & 2) != 0};
    for (const auto& [b, s] : corners(max_batch, max_seq)) {
      const int64_t count = eval(out.shape[a], b, s), extent = eval(x.shape[a], b, s);
      const int64_t first = eval(start, b, s), last = first + (count - 1) * steps[a];
      c.expect(count == 0 || (first >= 0 && first < extent && last >= 0 && last < extent),
               "axis " + std::to_string(a) + " reads past the input at batch " + std::to_string(b) +
                   ", seq " + std::to_string(s));
    }
  }
}

void check_concat(const OpChecker& c, int64_t max_batch, int64_t max_seq) {
  c.expect(!c.op().inputs.empty() && c.op().outputs.size() == 1, "needs inputs and one output");
  const Value& out = c.any_out(0);
  const size_t axis = axis_attr(c, out);
  for (const auto& [b, s] : corners(max_batch, max_seq)) {
    int64_t total = 0;
    for (size_t i = 0; i < c.op().inputs.size(); ++i) {
      const Value& part = c.any_in(i);
      same_dtype(c, part, out);
      c.expect(part.shape.size() == out.shape.size(), "'" + part.name + "' differs in rank");
      for (size_t a = 0; a < out.shape.size(); ++a) {
        c.expect(a == axis || part.shape[a] == out.shape[a],
                 "'" + part.name + "' differs from the output off the axis");
      }
      total += eval(part.shape[axis], b, s);
    }
    c.expect(total == eval(out.shape[axis], b, s), "the parts do not add up to the output");
  }
}

void check_expand(const OpChecker& c) {
  c.counts(1, 1);
  same_dtype(c, c.any_in(0), c.any_out(0));
  broadcasts_to(c, {&c.any_in(0), &c.any_out(0)}, c.any_out(0));
}

void check_range(const OpChecker& c) {
  c.counts(0, 1);
  c.rank_is(c.any_out(0), 1);
  dtype_in(c, c.any_out(0), {DType::kF32, DType::kI64});
  c.expect(std::isfinite(c.op().attrs.get_float("start")) &&
               std::isfinite(c.op().attrs.get_float("delta")),
           "start and delta must be finite");
}

void check_dim_values(const OpChecker& c) {
  c.counts(0, 1);
  const Value& out = c.any_out(0);
  dtype_in(c, out, {DType::kI64});
  const size_t count = c.op().attrs.get_ints("values").size();
  c.expect(ir::element_count(out.shape) == static_cast<int64_t>(count) &&
               c.op().attrs.get_ints("value_symbols").size() == count,
           "needs one value per element of its constant-shaped output");
}

}  // namespace

void check_generic_op(const OpChecker& c, int64_t max_batch, int64_t max_seq) {
  const std::string& type = c.op().type;
  for (int id : c.op().outputs) c.expect(id != ir::kNoValue, "has an absent output");
  if (type == ir::op_type::kElementwise) return check_elementwise(c);
  if (type == ir::op_type::kGenericMatMul) return check_generic_matmul(c);
  if (type == ir::op_type::kGemm) return check_gemm(c);
  if (type == ir::op_type::kSoftmax) return check_softmax(c);
  if (type == ir::op_type::kLayerNormalization) return check_layer_normalization(c);
  if (type == ir::op_type::kReduceMean) return check_reduce_mean(c);
  if (type == ir::op_type::kReshape) return check_reshape(c);
  if (type == ir::op_type::kTranspose) return check_transpose(c);
  if (type == ir::op_type::kGather) return check_gather(c);
  if (type == ir::op_type::kGatherND) return check_gather_nd(c);
  if (type == ir::op_type::kSlice) return check_slice(c, max_batch, max_seq);
  if (type == ir::op_type::kConcat) return check_concat(c, max_batch, max_seq);
  if (type == ir::op_type::kExpand) return check_expand(c);
  if (type == ir::op_type::kRange) return check_range(c);
  if (type == ir::op_type::kDimValues) return check_dim_values(c);
  c.fail("not an op minirt.fbs defines");
}

}  // namespace minirt::converter
