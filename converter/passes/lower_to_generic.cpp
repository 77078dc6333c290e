// ONNX ops left after fusion -> generic ops. Operands that only carry sizes
// (Reshape's shape, Slice's bounds, axes) are dropped or turned into
// attributes here, from their probe data, so the shape arithmetic feeding
// them dies with remove_dead_ops and the runtime never sees it.
#include <algorithm>
#include <map>
#include <stdexcept>

#include "converter/import/onnx/evaluator.h"
#include "converter/import/onnx/onnx_import.h"
#include "converter/ir/op_types.h"
#include "converter/passes/passes.h"

namespace minirt::converter::passes {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

// ONNX ops that map one to one onto an ElementwiseFn of the same name.
const std::vector<std::string_view> kElementwiseTypes = {
    "Add",   "Sub",         "Mul",   "Div",     "Pow",
    "Max",   "Min",         "Equal", "Greater", "GreaterOrEqual",
    "Less",  "LessOrEqual", "And",   "Or",      "Not",
    "Neg",   "Sqrt",        "Exp",   "Erf",     "Tanh",
    "Where", "Cast"};
// ONNX ops that only give their first input a new shape.
const std::vector<std::string_view> kReshapeTypes = {"Reshape", "Flatten", "Squeeze", "Unsqueeze",
                                                     "Identity"};

bool listed(const std::vector<std::string_view>& types, std::string_view type) {
  return std::find(types.begin(), types.end(), type) != types.end();
}

// A value as the evaluator saw it at probe p: weights as stored, other values
// with their probe data (dims only when the data was too large to keep).
onnx::HostTensor probe_tensor(const PassContext& ctx, int id, size_t p) {
  const ir::Value& value = ctx.g.values[id];
  if (value.kind == ir::ValueKind::kWeight) return onnx::weight_tensor(value);
  const onnx::ValueFacts* facts = ctx.facts.find(id);
  if (facts != nullptr && p < facts->at_probe.size()) return facts->at_probe[p];
  onnx::HostTensor dims_only;  // a value a fusion pass made: its symbolic shape at the probe
  dims_only.dtype = value.dtype;
  for (const ir::Dim& d : value.shape) {
    const onnx::ProbeSize size = onnx::kProbeSizes[p];
    dims_only.dims.push_back(d.factor * (d.batch ? size.batch : 1) * (d.seq ? size.seq : 1));
  }
  return dims_only;
}

// The op's inputs as the evaluator takes them, at probe p.
struct ProbeInputs {
  std::vector<onnx::HostTensor> tensors;
  onnx::EvalInputs pointers;
};
ProbeInputs probe_inputs(const PassContext& ctx, const ir::Op& op, size_t p) {
  ProbeInputs in;
  in.tensors.reserve(op.inputs.size());
  for (int id : op.inputs) {
    in.tensors.push_back(id == ir::kNoValue ? onnx::HostTensor{} : probe_tensor(ctx, id, p));
    in.pointers.push_back(id == ir::kNoValue ? nullptr : &in.tensors.back());
  }
  return in;
}

// Input i's data when it depends on no input's contents: a size operand.
onnx::HostTensor size_input(const PassContext& ctx, const ir::Op& op, size_t i, size_t probe) {
  if (i >= op.inputs.size() || op.inputs[i] == ir::kNoValue)
    fail("input " + std::to_string(i) + " is required");
  const int id = op.inputs[i];
  if (ctx.g.values[id].kind == ir::ValueKind::kWeight) return onnx::weight_tensor(ctx.g.values[id]);
  const onnx::ValueFacts* facts = ctx.facts.find(id);
  if (facts == nullptr || facts->content_deps != 0 || !facts->has_data())
    fail("input " + std::to_string(i) + " '" + ctx.g.values[id].name +
         "' depends on the inputs' contents; only sizes and constants are supported here");
  return facts->at_probe[probe];
}

// Input i's data, which must also be the same at every probe.
onnx::HostTensor constant_input(const PassContext& ctx, const ir::Op& op, size_t i) {
  const onnx::HostTensor first = size_input(ctx, op, i, 0);
  for (size_t p = 1; p < onnx::kProbeSizes.size(); ++p) {
    const onnx::HostTensor other = size_input(ctx, op, i, p);
    if (!other.same_data(first))
      fail("input " + std::to_string(i) + " '" + ctx.g.values[op.inputs[i]].name +
           "' changes with the input size");
  }
  return first;
}

int64_t rank_of(const PassContext& ctx, int id) {
  return static_cast<int64_t>(ctx.g.values[id].shape.size());
}

int64_t normalized_axis(const PassContext& ctx, const ir::Op& op, int64_t fallback) {
  const size_t rank = static_cast<size_t>(rank_of(ctx, op.inputs[0]));
  return static_cast<int64_t>(onnx::normalize_axis(op.attrs.get_int_or("axis", fallback), rank));
}

void keep_inputs(ir::Op& op, size_t count) { op.inputs.resize(std::min(op.inputs.size(), count)); }

void lower_slice(const PassContext& ctx, ir::Op& op) {
  std::vector<onnx::SliceBounds> at_probe;
  for (size_t p = 0; p < onnx::kProbeSizes.size(); ++p) {
    ProbeInputs in = probe_inputs(ctx, op, p);
    for (size_t i = 1; i < op.inputs.size(); ++i) {
      if (op.inputs[i] != ir::kNoValue) in.tensors[i] = size_input(ctx, op, i, p);
    }
    at_probe.push_back(onnx::slice_bounds(op.attrs, in.pointers));
  }
  std::vector<int64_t> starts, symbols;
  for (size_t axis = 0; axis < at_probe[0].first.size(); ++axis) {
    std::vector<int64_t> sizes;
    for (const onnx::SliceBounds& b : at_probe) sizes.push_back(b.first[axis]);
    const std::optional<ir::Dim> start = fit_dim(sizes);
    if (!start)
      fail("slice start on axis " + std::to_string(axis) + " is not factor * batch * seq");
    starts.push_back(start->factor);
    symbols.push_back((start->batch ? 1 : 0) | (start->seq ? 2 : 0));
  }
  op.attrs = {};
  op.attrs.set("starts", starts);
  op.attrs.set("start_symbols", symbols);
  op.attrs.set("steps", at_probe[0].step);
  keep_inputs(op, 1);
}

void lower_reduce_mean(const PassContext& ctx, ir::Op& op) {
  std::vector<int64_t> axes = op.attrs.has("axes") ? op.attrs.get_ints("axes")
                              : op.inputs.size() > 1 && op.inputs[1] != ir::kNoValue
                                  ? constant_input(ctx, op, 1).ints()
                                  : std::vector<int64_t>{};
  const size_t rank = static_cast<size_t>(rank_of(ctx, op.inputs[0]));
  if (axes.empty() && op.attrs.get_int_or("noop_with_empty_axes", 0) != 0)
    fail("noop_with_empty_axes is not supported");
  if (axes.empty())
    for (size_t a = 0; a < rank; ++a) axes.push_back(static_cast<int64_t>(a));
  for (int64_t& a : axes) a = static_cast<int64_t>(onnx::normalize_axis(a, rank));
  std::sort(axes.begin(), axes.end());
  op.attrs = {};
  op.attrs.set("axes", axes);
  keep_inputs(op, 1);
}

void lower_range(const PassContext& ctx, ir::Op& op) {
  const double start = constant_input(ctx, op, 0).at(0), delta = constant_input(ctx, op, 2).at(0);
  op.attrs = {};
  op.attrs.set("start", static_cast<float>(start));
  op.attrs.set("delta", static_cast<float>(delta));
  op.inputs.clear();
}

// A QDQ op no pass folded: its scale and zero point must be weights (the
// runtime reads them as such); the axis matters only per channel.
void lower_quantize_linear(const PassContext& ctx, ir::Op& op) {
  if (op.attrs.get_int_or("block_size", 0) != 0) fail("blocked quantization is not supported");
  for (size_t i = 1; i < op.inputs.size(); ++i)
    if (op.inputs[i] != ir::kNoValue && !is_weight(ctx.g, op.inputs[i]))
      fail("input " + std::to_string(i) + " '" + ctx.g.values[op.inputs[i]].name +
           "' (scale or zero point) is not a constant");
  const bool per_tensor = ir::element_count(ctx.g.values[op.inputs[1]].shape) == 1;
  const int64_t axis = per_tensor ? 0 : normalized_axis(ctx, op, 1);
  op.attrs = {};
  op.attrs.set("axis", axis);
  op.inputs.resize(3, ir::kNoValue);  // zero point absent: -1, as the file marks it
}

// An op whose one output is a small i64 tensor computed from sizes alone,
// each element factor * batch? * seq?, becomes DimValues: the runtime
// evaluates those dims instead of running the shape arithmetic.
bool lower_to_dim_values(const PassContext& ctx, ir::Op& op) {
  if (op.outputs.size() != 1) return false;
  const onnx::ValueFacts* facts = ctx.facts.find(op.outputs[0]);
  if (facts == nullptr || facts->content_deps != 0 || !facts->has_data() ||
      facts->at_probe[0].dtype != ir::DType::kI64)
    return false;
  std::vector<int64_t> factors, symbols;
  bool symbolic = false;  // a value the same at every probe is fold_constants' job, not ours
  for (size_t e = 0; e < static_cast<size_t>(facts->at_probe[0].count()); ++e) {
    std::vector<int64_t> sizes;
    for (const onnx::HostTensor& t : facts->at_probe) {
      if (t.dims != facts->at_probe[0].dims) return false;
      sizes.push_back(t.int_at(e));
    }
    const std::optional<ir::Dim> dim = fit_dim(sizes);
    if (!dim) return false;
    symbolic |= !dim->is_constant();
    factors.push_back(dim->factor);
    symbols.push_back((dim->batch ? 1 : 0) | (dim->seq ? 2 : 0));
  }
  if (!symbolic) return false;
  op.attrs = {};
  op.attrs.set("values", factors);
  op.attrs.set("value_symbols", symbols);
  op.inputs.clear();
  op.type = ir::op_name(fb::OpParams::DimValues);
  return true;
}

}  // namespace

bool has_generic_op(std::string_view onnx_type) {
  static const std::vector<std::string_view> others = {
      "Gelu",   "Expand", "ConstantOfShape",    "MatMul",          "Gemm",      "Softmax",
      "Concat", "Gather", "LayerNormalization", "ReduceMean",      "Transpose", "GatherND",
      "Slice",  "Range",  "QuantizeLinear",     "DequantizeLinear"};
  return listed(kElementwiseTypes, onnx_type) || listed(kReshapeTypes, onnx_type) ||
         listed(others, onnx_type);
}

namespace {

// Rewrites one ONNX op in place into its generic op; throws when none fits.
void lower(PassContext& ctx, ir::Op& op, std::string_view type) {
  if (lower_to_dim_values(ctx, op)) return;
  if (listed(kElementwiseTypes, type) || type == "Gelu") {
    std::string fn(type);
    if (type == "Gelu") {
      fn = op.attrs.has("approximate") && op.attrs.get_string("approximate") == "tanh" ? "GeluTanh"
                                                                                       : "GeluErf";
    }
    op.attrs = {};
    op.attrs.set("fn", fn);
    op.type = ir::op_name(fb::OpParams::Elementwise);
  } else if (listed(kReshapeTypes, type)) {
    op.attrs = {};
    keep_inputs(op, 1);
    op.type = ir::op_name(fb::OpParams::Reshape);
  } else if (type == "Expand") {
    keep_inputs(op, 1);
    op.type = ir::op_name(fb::OpParams::Expand);
  } else if (type == "ConstantOfShape") {
    // The importer passes the fill value as input 1; ONNX's default is 0.0f.
    const int value = op.inputs.size() > 1 ? op.inputs[1]
                                           : add_f32_weight(ctx.g, op.name + ".value", {1}, {0.0f});
    op.inputs = {value};
    op.attrs = {};
    op.type = ir::op_name(fb::OpParams::Expand);
  } else if (type == "MatMul") {
    op.type = ir::op_name(fb::OpParams::GenericMatMul);
  } else if (type == "Gemm") {
    ir::Attributes attrs;
    attrs.set("alpha", op.attrs.get_float_or("alpha", 1.0f));
    attrs.set("beta", op.attrs.get_float_or("beta", 1.0f));
    attrs.set("trans_a", op.attrs.get_int_or("transA", 0));
    attrs.set("trans_b", op.attrs.get_int_or("transB", 0));
    op.attrs = attrs;
    op.inputs.resize(3, ir::kNoValue);  // c absent: -1, as the file marks it
    op.type = ir::op_name(fb::OpParams::Gemm);
  } else if (type == "Softmax" || type == "Concat" || type == "Gather") {
    const int64_t axis = normalized_axis(ctx, op, type == "Gather" ? 0 : -1);
    op.attrs = {};
    op.attrs.set("axis", axis);
    op.type = type == "Softmax"  ? ir::op_name(fb::OpParams::Softmax)
              : type == "Concat" ? ir::op_name(fb::OpParams::Concat)
                                 : ir::op_name(fb::OpParams::Gather);
  } else if (type == "LayerNormalization") {
    if (op.outputs.size() != 1) fail("only the first output (Y) is supported");
    const int64_t axis = normalized_axis(ctx, op, -1);
    const float epsilon = op.attrs.get_float_or("epsilon", 1e-5f);
    op.attrs = {};
    op.attrs.set("axis", axis);
    op.attrs.set("epsilon", epsilon);
    op.type = ir::op_name(fb::OpParams::LayerNormalization);
  } else if (type == "ReduceMean") {
    lower_reduce_mean(ctx, op);
    op.type = ir::op_name(fb::OpParams::ReduceMean);
  } else if (type == "Transpose") {
    std::vector<int64_t> perm;
    if (op.attrs.has("perm")) {
      perm = op.attrs.get_ints("perm");
    } else {  // ONNX's default reverses the axes
      for (int64_t a = rank_of(ctx, op.inputs[0]); a-- > 0;) perm.push_back(a);
    }
    op.attrs = {};
    op.attrs.set("perm", perm);
    op.type = ir::op_name(fb::OpParams::Transpose);
  } else if (type == "GatherND") {
    if (op.attrs.get_int_or("batch_dims", 0) != 0) fail("batch_dims is not supported");
    op.type = ir::op_name(fb::OpParams::GatherND);
  } else if (type == "Slice") {
    lower_slice(ctx, op);
    op.type = ir::op_name(fb::OpParams::Slice);
  } else if (type == "Range") {
    lower_range(ctx, op);
    op.type = ir::op_name(fb::OpParams::Range);
  } else if (type == "QuantizeLinear" || type == "DequantizeLinear") {
    lower_quantize_linear(ctx, op);
    op.type = type == "QuantizeLinear" ? ir::op_name(fb::OpParams::QuantizeLinear)
                                       : ir::op_name(fb::OpParams::DequantizeLinear);
  } else {
    fail("no generic op computes it");  // has_generic_op lists the types above
  }
}

}  // namespace

void lower_to_generic(PassContext& ctx, std::vector<std::string>& fallbacks) {
  // Lower what can be first, then drop the shape arithmetic that fed only
  // dropped operands; an op still in ONNX form after that has no generic op.
  std::map<std::string, std::string> failures, lowered_from;  // by op name
  for (ir::Op& op : ctx.g.ops) {
    const std::string type(onnx::onnx_op_type(op));
    if (type.empty()) continue;
    try {
      lower(ctx, op, type);
      lowered_from[op.name] = type;
    } catch (const std::runtime_error& e) {
      failures[op.name] = e.what();
    }
  }
  remove_dead_ops(ctx.g);
  // The last op left in ONNX form is the one to name: ops before it (shape
  // arithmetic) may only be alive because it could not drop them.
  for (auto op = ctx.g.ops.rbegin(); op != ctx.g.ops.rend(); ++op) {
    const std::string_view type = onnx::onnx_op_type(*op);
    if (!type.empty()) {
      fail("node '" + op->name + "' (" + std::string(type) + "): left unfused and " +
           failures[op->name]);
    }
  }
  for (const ir::Op& op : ctx.g.ops) {
    const auto from = lowered_from.find(op.name);
    if (from != lowered_from.end()) {
      fallbacks.push_back("'" + op.name + "' (" + from->second + ") -> generic " + op.type +
                          ": no fusion pattern covers it");
    }
  }
}

}  // namespace minirt::converter::passes
