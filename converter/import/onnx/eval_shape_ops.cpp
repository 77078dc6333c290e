// ONNX ops that move or select elements: Shape, Gather, GatherND, Slice,
// Reshape, Transpose, Expand, Concat, (Un)Squeeze, Flatten, Range,
// ConstantOfShape. The moves are ops/ref's kernels; reshapes share bytes.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "converter/import/onnx/evaluator.h"
#include "ops/parallel.h"

namespace minirt::converter::onnx {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

// A tensor of src's dtype and dims whose bytes fill(void* dst) writes.
template <typename Fill>
HostTensor like(const HostTensor& src, std::vector<int64_t> dims, Fill&& fill) {
  return HostTensor::computed(src.dtype, std::move(dims), std::forward<Fill>(fill));
}

// src broadcast to dims (Expand): ref::elementwise's Cast to the same type.
HostTensor broadcast_to(const HostTensor& src, const std::vector<int64_t>& dims) {
  ref::ElementwiseArgs args;
  args.fn = ref::ElementwiseFn::kCast;
  args.src[0] = src.arg();
  args.dst_dims = ref_dims(dims);
  args.dst_type = args.src[0].type;
  return like(src, dims, [&](void* dst) {
    args.dst = dst;
    SerialParallel serial;
    ref::elementwise(args, serial);
  });
}

void check_gather(const ref::GatherResult& result, const char* op) {
  if (!result.ok)
    fail(std::string(op) + " index " + std::to_string(result.bad_index) + " out of range");
}

const HostTensor& index_input(const EvalInputs& in, size_t i) {
  const HostTensor& t = required_input(in, i);
  require_dtype(t, {ir::DType::kI64, ir::DType::kI32}, "the indices");
  return t;
}

HostTensor reshaped(const HostTensor& src, std::vector<int64_t> dims) {
  HostTensor out = src;
  out.dims = std::move(dims);
  if (out.count() != src.count()) {
    fail("cannot reshape " + dims_string(src.dims) + " to " + dims_string(out.dims));
  }
  return out;
}

std::vector<HostTensor> shape(const ir::Attributes& attrs, const EvalInputs& in) {
  const std::vector<int64_t>& dims = required_input(in, 0).dims;
  const int64_t rank = static_cast<int64_t>(dims.size());
  auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  const int64_t start = clamp(attrs.get_int_or("start", 0));
  const int64_t end = clamp(attrs.get_int_or("end", rank));
  std::vector<int64_t> picked(dims.begin() + start, dims.begin() + std::max(start, end));
  const int64_t n = static_cast<int64_t>(picked.size());
  return {HostTensor::of_ints(std::move(picked), {n})};
}

std::vector<HostTensor> gather(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& data = required_input(in, 0);
  const HostTensor& indices = index_input(in, 1);
  const size_t axis = normalize_axis(attrs.get_int_or("axis", 0), data.rank());
  std::vector<int64_t> dims(data.dims.begin(), data.dims.begin() + axis);
  dims.insert(dims.end(), indices.dims.begin(), indices.dims.end());
  dims.insert(dims.end(), data.dims.begin() + axis + 1, data.dims.end());
  const std::vector<int64_t> index = indices.ints();
  return {like(data, dims, [&](void* dst) {
    check_gather(ref::gather({data.data(), ref_dims(data.dims), index.data(), indices.count(), dst,
                              static_cast<int>(axis), ir::dtype_size(data.dtype)}),
                 "Gather");
  })};
}

std::vector<HostTensor> gather_nd(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& data = required_input(in, 0);
  const HostTensor& indices = index_input(in, 1);
  if (attrs.get_int_or("batch_dims", 0) != 0) fail("GatherND with batch_dims is not supported");
  if (indices.rank() < 1 || indices.dims.back() < 1 ||
      static_cast<size_t>(indices.dims.back()) > data.rank())
    fail("GatherND indices do not fit the data");
  const size_t k = static_cast<size_t>(indices.dims.back());
  std::vector<int64_t> dims(indices.dims.begin(), indices.dims.end() - 1);
  dims.insert(dims.end(), data.dims.begin() + k, data.dims.end());
  const std::vector<int64_t> index = indices.ints();
  return {like(data, dims, [&](void* dst) {
    check_gather(ref::gather_nd({data.data(), ref_dims(data.dims), index.data(),
                                 ref_dims(indices.dims), dst, ir::dtype_size(data.dtype)}),
                 "GatherND");
  })};
}

// A negative Slice bound counts from the end.
int64_t from_end(int64_t v, int64_t extent) { return v < 0 ? v + extent : v; }

}  // namespace

SliceBounds slice_bounds(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& data = required_input(in, 0);
  const bool from_attrs = attrs.has("starts");
  const std::vector<int64_t> starts =
      from_attrs ? attrs.get_ints("starts") : required_input(in, 1).ints();
  const std::vector<int64_t> ends =
      from_attrs ? attrs.get_ints("ends") : required_input(in, 2).ints();
  std::vector<int64_t> axes =
      from_attrs ? axes_of(attrs, {})
                 : (in.size() > 3 && in[3] ? in[3]->ints() : std::vector<int64_t>{});
  std::vector<int64_t> steps =
      !from_attrs && in.size() > 4 && in[4] ? in[4]->ints() : std::vector<int64_t>{};
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    fail("Slice starts, ends, axes and steps differ in length");
  }
  SliceBounds bounds{std::vector<int64_t>(data.rank(), 0), std::vector<int64_t>(data.rank(), 1),
                     data.dims};
  for (size_t i = 0; i < starts.size(); ++i) {
    const size_t axis = normalize_axis(axes[i], data.rank());
    const int64_t extent = data.dims[axis];
    if (steps[i] == 0) fail("Slice step 0");
    const int64_t b = steps[i] > 0
                          ? std::clamp(from_end(starts[i], extent), int64_t{0}, extent)
                          : std::clamp(from_end(starts[i], extent), int64_t{0}, extent - 1);
    const int64_t e = steps[i] > 0 ? std::clamp(from_end(ends[i], extent), int64_t{0}, extent)
                                   : std::clamp(from_end(ends[i], extent), int64_t{-1}, extent - 1);
    bounds.first[axis] = b;
    bounds.step[axis] = steps[i];
    bounds.dims[axis] = steps[i] > 0 ? std::max<int64_t>(0, (e - b + steps[i] - 1) / steps[i])
                                     : std::max<int64_t>(0, (b - e - steps[i] - 1) / -steps[i]);
  }
  return bounds;
}

namespace {

std::vector<HostTensor> slice(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& data = required_input(in, 0);
  const SliceBounds bounds = slice_bounds(attrs, in);
  ref::SliceArgs args;
  args.src = data.data();
  args.src_dims = ref_dims(data.dims);
  args.dst_dims = ref_dims(bounds.dims);
  std::copy(bounds.first.begin(), bounds.first.end(), args.starts.begin());
  std::copy(bounds.step.begin(), bounds.step.end(), args.steps.begin());
  args.elem_bytes = ir::dtype_size(data.dtype);
  return {like(data, bounds.dims, [&](void* dst) {
    args.dst = dst;
    ref::slice(args);
  })};
}

std::vector<HostTensor> reshape(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& data = required_input(in, 0);
  std::vector<int64_t> dims = required_input(in, 1).ints();
  const bool allow_zero = attrs.get_int_or("allowzero", 0) != 0;
  std::vector<int64_t> known_dims;  // all but the -1
  int infer = -1;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (dims[i] == 0 && !allow_zero) {
      if (i >= data.rank()) fail("Reshape copies dim " + std::to_string(i) + " the input lacks");
      dims[i] = data.dims[i];
    }
    if (dims[i] == -1) {
      if (infer >= 0) fail("Reshape with two -1 dims");
      infer = static_cast<int>(i);
    } else if (dims[i] < 0) {
      fail("Reshape to " + dims_string(dims) + ": a dim below -1");
    } else {
      known_dims.push_back(dims[i]);
    }
  }
  // Checked: the product of the dims the file gives may pass int64.
  const int64_t known = HostTensor::count_of(known_dims);
  if (infer >= 0) {
    if (known == 0 || data.count() % known != 0) fail("Reshape cannot infer the -1 dim");
    dims[static_cast<size_t>(infer)] = data.count() / known;
  }
  return {reshaped(data, dims)};
}

std::vector<HostTensor> transpose(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& data = required_input(in, 0);
  std::vector<int64_t> perm;
  if (attrs.has("perm")) {
    perm = attrs.get_ints("perm");
  } else {
    for (size_t i = data.rank(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  }
  if (perm.size() != data.rank()) fail("Transpose perm does not match the rank");
  ref::TransposeArgs args;
  args.src = data.data();
  args.dims = ref_dims(data.dims);
  args.elem_bytes = ir::dtype_size(data.dtype);
  std::vector<bool> seen(data.rank(), false);
  std::vector<int64_t> dims(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    const size_t axis = normalize_axis(perm[i], data.rank());
    if (seen[axis]) fail("Transpose perm repeats axis " + std::to_string(axis));
    seen[axis] = true;
    args.perm[i] = static_cast<int>(axis);
    dims[i] = data.dims[axis];
  }
  return {like(data, dims, [&](void* dst) {
    args.dst = dst;
    ref::transpose(args);
  })};
}

std::vector<HostTensor> expand(const ir::Attributes&, const EvalInputs& in) {
  const HostTensor& data = required_input(in, 0);
  return {broadcast_to(data, broadcast_dims(data.dims, required_input(in, 1).ints()))};
}

std::vector<HostTensor> concat(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& first = required_input(in, 0);
  const size_t axis = normalize_axis(attrs.get_int("axis"), first.rank());
  std::vector<int64_t> dims = first.dims;
  dims[axis] = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const HostTensor& part = required_input(in, i);
    if (part.rank() != first.rank() || part.dtype != first.dtype)
      fail("Concat inputs of different ranks or element types");
    for (size_t a = 0; a < dims.size(); ++a) {
      if (a != axis && part.dims[a] != dims[a]) fail("Concat inputs differ off the axis");
    }
    dims[axis] += part.dims[axis];
  }
  std::vector<const void*> parts;
  std::vector<int64_t> extents;
  for (const HostTensor* part : in) {
    parts.push_back(part->data());
    extents.push_back(part->dims[axis]);
  }
  return {like(first, dims, [&](void* dst) {
    ref::concat(
        {parts, extents, dst, ref_dims(dims), static_cast<int>(axis), ir::dtype_size(first.dtype)});
  })};
}

std::vector<HostTensor> unsqueeze(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& data = required_input(in, 0);
  std::vector<int64_t> axes = axes_of(attrs, in);
  const size_t rank = data.rank() + axes.size();
  std::vector<bool> inserted(rank, false);
  for (int64_t a : axes) {
    const size_t axis = normalize_axis(a, rank);
    if (inserted[axis]) fail("Unsqueeze axes repeat axis " + std::to_string(axis));
    inserted[axis] = true;
  }
  std::vector<int64_t> dims;
  size_t next = 0;
  for (size_t i = 0; i < rank; ++i) dims.push_back(inserted[i] ? 1 : data.dims[next++]);
  return {reshaped(data, dims)};
}

std::vector<HostTensor> squeeze(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& data = required_input(in, 0);
  const std::vector<int64_t> axes = axes_of(attrs, in);
  std::vector<bool> drop(data.rank(), axes.empty());
  for (int64_t a : axes) drop[normalize_axis(a, data.rank())] = true;
  std::vector<int64_t> dims;
  for (size_t i = 0; i < data.rank(); ++i) {
    if (drop[i] && data.dims[i] != 1 && !axes.empty()) fail("Squeeze of a dim that is not 1");
    if (!drop[i] || data.dims[i] != 1) dims.push_back(data.dims[i]);
  }
  return {reshaped(data, dims)};
}

std::vector<HostTensor> flatten(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& data = required_input(in, 0);
  const int64_t axis_attr = attrs.get_int_or("axis", 1);
  const size_t axis = axis_attr == static_cast<int64_t>(data.rank())
                          ? data.rank()
                          : normalize_axis(axis_attr, data.rank());
  int64_t outer = 1;
  for (size_t i = 0; i < axis; ++i) outer *= data.dims[i];
  return {reshaped(data, {outer, outer == 0 ? 0 : data.count() / outer})};
}

std::vector<HostTensor> range(const ir::Attributes&, const EvalInputs& in) {
  const HostTensor& start = required_input(in, 0);
  require_dtype(start, {ir::DType::kF32, ir::DType::kI64, ir::DType::kI32}, "Range's start");
  for (size_t i = 0; i < 3; ++i)
    if (required_input(in, i).count() != 1)
      fail("Range's start, limit and delta must be scalars; input " + std::to_string(i) + " is " +
           dims_string(required_input(in, i).dims));
  const double s = start.at(0), limit = required_input(in, 1).at(0),
               delta = required_input(in, 2).at(0);
  if (delta == 0) fail("Range delta 0");
  // The element count, bounded before the cast (NaN and +infinity fail,
  // -infinity is empty).
  const double steps = std::ceil((limit - s) / delta);
  if (!(steps <= static_cast<double>(HostTensor::kMaxElements)))
    fail("Range from " + std::to_string(s) + " to " + std::to_string(limit) + " by " +
         std::to_string(delta) + " has too many elements");
  const int64_t n = steps > 0 ? static_cast<int64_t>(steps) : 0;  // no cast of a huge negative
  return {
      like(start, {n}, [&](void* dst) { ref::range(s, delta, n, elem_type(start.dtype), dst); })};
}

std::vector<HostTensor> constant_of_shape(const ir::Attributes&, const EvalInputs& in) {
  const std::vector<int64_t> dims = required_input(in, 0).ints();
  const HostTensor* value = optional_input(in, 1);  // the importer passes the attribute
  if (value == nullptr) return {HostTensor::computed(ir::DType::kF32, dims, [](void*) {})};
  if (value->count() != 1) fail("ConstantOfShape's value must hold one element");
  HostTensor scalar = *value;
  scalar.dims.clear();
  return {broadcast_to(scalar, dims)};
}

}  // namespace

void add_shape_ops(EvalTable& t) {
  t["Shape"] = shape;
  t["Gather"] = gather;
  t["GatherND"] = gather_nd;
  t["Slice"] = slice;
  t["Reshape"] = reshape;
  t["Transpose"] = transpose;
  t["Expand"] = expand;
  t["Concat"] = concat;
  t["Unsqueeze"] = unsqueeze;
  t["Squeeze"] = squeeze;
  t["Flatten"] = flatten;
  t["Range"] = range;
  t["ConstantOfShape"] = constant_of_shape;
}

}  // namespace minirt::converter::onnx
