#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

using Fn = ref::ElementwiseFn;
using FbFn = fb::ElementwiseFn;
static_assert(same_code(Fn::kAdd, FbFn::Add) && same_code(Fn::kSub, FbFn::Sub) &&
                  same_code(Fn::kMul, FbFn::Mul) && same_code(Fn::kDiv, FbFn::Div) &&
                  same_code(Fn::kPow, FbFn::Pow) && same_code(Fn::kMax, FbFn::Max) &&
                  same_code(Fn::kMin, FbFn::Min) && same_code(Fn::kEqual, FbFn::Equal) &&
                  same_code(Fn::kGreater, FbFn::Greater) &&
                  same_code(Fn::kGreaterOrEqual, FbFn::GreaterOrEqual) &&
                  same_code(Fn::kLess, FbFn::Less) &&
                  same_code(Fn::kLessOrEqual, FbFn::LessOrEqual) &&
                  same_code(Fn::kAnd, FbFn::And) && same_code(Fn::kOr, FbFn::Or) &&
                  same_code(Fn::kNot, FbFn::Not) && same_code(Fn::kNeg, FbFn::Neg) &&
                  same_code(Fn::kSqrt, FbFn::Sqrt) && same_code(Fn::kExp, FbFn::Exp) &&
                  same_code(Fn::kErf, FbFn::Erf) && same_code(Fn::kTanh, FbFn::Tanh) &&
                  same_code(Fn::kGeluErf, FbFn::GeluErf) &&
                  same_code(Fn::kGeluTanh, FbFn::GeluTanh) && same_code(Fn::kWhere, FbFn::Where) &&
                  same_code(Fn::kCast, FbFn::Cast) &&
                  ref::kElementwiseFnCount == static_cast<int>(FbFn::MAX) + 1,
              "ref::ElementwiseFn must mirror minirt.fbs's ElementwiseFn, code for code");

size_t elem_bytes(const ValueInfo& value) { return dtype_size(value.dtype); }

}  // namespace

ref::ElementwiseArgs elementwise_args(const BoundOp& op, const RunShape& run) {
  ref::ElementwiseArgs args;
  // Expand is a same-type Cast broadcast to the output's shape.
  args.fn = op.op().kind == OpKind::Expand ? Fn::kCast : static_cast<Fn>(op.op().elementwise_fn);
  for (size_t i = 0; i < op.op().inputs.size(); ++i) {
    const ValueInfo& src = op.input_value(i);
    args.src[i] = {op.input(i).data(), eval_dims(src, run), elem_type(src.dtype)};
  }
  args.dst = op.output(0).data();
  args.dst_dims = eval_dims(op.output_value(0), run);
  args.dst_type = elem_type(op.output_value(0).dtype);
  return args;
}

ref::BatchedMatMulArgs batched_matmul_args(const BoundOp& op, const RunShape& run) {
  return {op.input(0).f32(), op.input(1).f32(), op.output(0).f32(),
          eval_dims(op.input_value(0), run), eval_dims(op.input_value(1), run)};
}

ref::GemmArgs gemm_args(const BoundOp& op, const RunShape& run) {
  const OpInfo& info = op.op();
  const ref::Dims a = eval_dims(op.input_value(0), run), b = eval_dims(op.input_value(1), run);
  ref::GemmArgs args;
  args.a = op.input(0).f32();
  args.b = op.input(1).f32();
  args.c = op.input(2).f32();
  if (op.has_input(2)) args.c_dims = eval_dims(op.input_value(2), run);
  args.dst = op.output(0).f32();
  args.m = a.d[info.trans_a ? 1 : 0];
  args.k = a.d[info.trans_a ? 0 : 1];
  args.n = b.d[info.trans_b ? 0 : 1];
  args.alpha = info.alpha;
  args.beta = info.beta;
  args.trans_a = info.trans_a;
  args.trans_b = info.trans_b;
  return args;
}

ref::SoftmaxArgs softmax_args(const BoundOp& op, const RunShape& run) {
  return {op.input(0).f32(), op.output(0).f32(), eval_dims(op.input_value(0), run), op.op().axis};
}

ref::LayerNormalizationArgs layer_normalization_args(const BoundOp& op, const RunShape& run) {
  ref::LayerNormalizationArgs args;
  args.src = op.input(0).f32();
  args.scale = op.input(1).f32();
  args.bias = op.input(2).f32();
  args.dst = op.output(0).f32();
  args.cols = op.input_value(1).numel(run);
  args.rows = op.input_value(0).numel(run) / args.cols;
  args.epsilon = op.op().epsilon;
  return args;
}

ref::ReduceMeanArgs reduce_mean_args(const BoundOp& op, const RunShape& run) {
  ref::ReduceMeanArgs args{
      op.input(0).f32(), op.output(0).f32(), eval_dims(op.input_value(0), run), {}};
  for (int32_t axis : op.op().axes) args.reduced[static_cast<size_t>(axis)] = true;
  return args;
}

ref::TransposeArgs transpose_args(const BoundOp& op, const RunShape& run) {
  ref::TransposeArgs args{op.input(0).data(),
                          op.output(0).data(),
                          eval_dims(op.input_value(0), run),
                          {},
                          elem_bytes(op.input_value(0))};
  for (size_t a = 0; a < op.op().axes.size(); ++a) args.perm[a] = op.op().axes[a];
  return args;
}

ref::SliceArgs slice_args(const BoundOp& op, const RunShape& run) {
  ref::SliceArgs args;
  args.src = op.input(0).data();
  args.dst = op.output(0).data();
  args.src_dims = eval_dims(op.input_value(0), run);
  args.dst_dims = eval_dims(op.output_value(0), run);
  for (size_t a = 0; a < op.op().dims.size(); ++a) {
    args.starts[a] = op.op().dims[a].eval(run);
    args.steps[a] = op.op().steps[a];
  }
  args.elem_bytes = elem_bytes(op.input_value(0));
  return args;
}

ref::GatherArgs gather_args(const BoundOp& op, const RunShape& run) {
  return {op.input(0).data(),
          eval_dims(op.input_value(0), run),
          op.input(1).i64(),
          op.input_value(1).numel(run),
          op.output(0).data(),
          op.op().axis,
          elem_bytes(op.input_value(0))};
}

ref::GatherNdArgs gather_nd_args(const BoundOp& op, const RunShape& run) {
  return {op.input(0).data(),  eval_dims(op.input_value(0), run),
          op.input(1).i64(),   eval_dims(op.input_value(1), run),
          op.output(0).data(), elem_bytes(op.input_value(0))};
}

namespace {

// One scale per tensor, or one per index along the op's axis.
int64_t quantize_channels(const BoundOp& op, const RunShape& run) {
  return op.input_value(1).numel(run);
}

}  // namespace

ref::QuantizeLinearArgs quantize_linear_args(const BoundOp& op, const RunShape& run) {
  const int64_t channels = quantize_channels(op, run);
  return {op.input(0).f32(),
          op.output(0).data(),
          elem_type(op.output_value(0).dtype),
          op.input(1).f32(),
          op.input(2).data(),
          eval_dims(op.input_value(0), run),
          channels == 1 ? 0 : op.op().axis,
          channels};
}

ref::DequantizeLinearArgs dequantize_linear_args(const BoundOp& op, const RunShape& run) {
  const int64_t channels = quantize_channels(op, run);
  return {op.input(0).data(),
          elem_type(op.input_value(0).dtype),
          op.output(0).f32(),
          op.input(1).f32(),
          op.input(2).data(),
          eval_dims(op.input_value(0), run),
          channels == 1 ? 0 : op.op().axis,
          channels};
}

ref::ConcatArgs concat_args(const BoundOp& op, const RunShape& run, std::span<const void*> parts,
                            std::span<int64_t> extents) {
  const auto axis = static_cast<size_t>(op.op().axis);
  for (size_t i = 0; i < parts.size(); ++i) {
    parts[i] = op.input(i).data();
    extents[i] = op.input_value(i).shape[axis].eval(run);
  }
  const ValueInfo& dst = op.output_value(0);
  return {parts, extents, op.output(0).data(), eval_dims(dst, run), op.op().axis, elem_bytes(dst)};
}

CopyArgs reshape_args(const BoundOp& op, const RunShape& run) {
  const ValueInfo& dst = op.output_value(0);
  return {op.input(0).data(), op.output(0).data(),
          static_cast<size_t>(dst.numel(run)) * elem_bytes(dst)};
}

RangeArgs range_args(const BoundOp& op, const RunShape& run) {
  const ValueInfo& dst = op.output_value(0);
  return {op.op().start, op.op().delta, dst.numel(run), elem_type(dst.dtype), op.output(0).data()};
}

}  // namespace minirt
