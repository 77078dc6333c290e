// ONNX's quantization ops: QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear and MatMulInteger, on ops/ref's kernels. The
// converter evaluates them (to fold constant weights and to probe); the
// runtime runs QuantizeLinear and DequantizeLinear as generic ops.
#include <stdexcept>

#include "converter/import/onnx/evaluator.h"
#include "ops/parallel.h"

namespace minirt::converter::onnx {
namespace {

using ir::DType;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

// How a scale (and zero point) applies to x: one value, or one per index
// along axis.
struct Channels {
  int axis = 0;
  int64_t count = 1;
};

Channels channels_of(const ir::Attributes& attrs, const HostTensor& x, const HostTensor& scale,
                     const HostTensor* zero_point) {
  if (attrs.get_int_or("block_size", 0) != 0) fail("blocked quantization is not supported");
  require_dtype(scale, {DType::kF32}, "the scale");
  Channels c;
  if (scale.rank() > 1 || (scale.rank() == 1 && scale.count() != 1)) {
    if (scale.rank() != 1) fail("the scale must be a scalar or 1-D");
    c.axis = static_cast<int>(normalize_axis(attrs.get_int_or("axis", 1), x.rank()));
    c.count = scale.count();
    if (c.count != x.dims[static_cast<size_t>(c.axis)])
      fail("the scale has " + std::to_string(c.count) + " values for axis " +
           std::to_string(c.axis) + " of " + dims_string(x.dims));
  }
  if (zero_point != nullptr && zero_point->count() != scale.count())
    fail("the zero point and the scale differ in size");
  return c;
}

std::vector<HostTensor> quantize_linear(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& x = required_input(in, 0);
  require_dtype(x, {DType::kF32}, "the input");
  const HostTensor& scale = required_input(in, 1);
  const HostTensor* zero_point = optional_input(in, 2);
  DType out = DType::kU8;
  if (zero_point != nullptr) {
    require_dtype(*zero_point, {DType::kU8, DType::kI8}, "the zero point");
    out = zero_point->dtype;
  } else if (const int64_t to = attrs.get_int_or("output_dtype", 0); to != 0) {
    if (to != 2 && to != 3) fail("output_dtype " + std::to_string(to) + " is not supported");
    out = to == 3 ? DType::kI8 : DType::kU8;
  }
  const Channels c = channels_of(attrs, x, scale, zero_point);
  return {HostTensor::computed(out, x.dims, [&](void* dst) {
    ref::quantize_linear({x.data_as<float>(), dst, elem_type(out), scale.data_as<float>(),
                          zero_point ? zero_point->data() : nullptr, ref_dims(x.dims), c.axis,
                          c.count});
  })};
}

std::vector<HostTensor> dequantize_linear(const ir::Attributes& attrs, const EvalInputs& in) {
  const HostTensor& x = required_input(in, 0);
  require_dtype(x, {DType::kU8, DType::kI8, DType::kI32}, "the input");
  const HostTensor& scale = required_input(in, 1);
  const HostTensor* zero_point = optional_input(in, 2);
  if (zero_point != nullptr && zero_point->dtype != x.dtype)
    fail("the zero point and the input differ in element type");
  const Channels c = channels_of(attrs, x, scale, zero_point);
  return {HostTensor::computed(DType::kF32, x.dims, [&](void* dst) {
    ref::dequantize_linear({x.data(), elem_type(x.dtype), static_cast<float*>(dst),
                            scale.data_as<float>(), zero_point ? zero_point->data() : nullptr,
                            ref_dims(x.dims), c.axis, c.count});
  })};
}

std::vector<HostTensor> dynamic_quantize_linear(const ir::Attributes&, const EvalInputs& in) {
  const HostTensor& x = required_input(in, 0);
  require_dtype(x, {DType::kF32}, "the input");
  float scale = 0;
  uint8_t zero_point = 0;
  HostTensor y = HostTensor::computed(DType::kU8, x.dims, [&](void* dst) {
    ref::dynamic_quantize_linear(
        {x.data_as<float>(), x.count(), static_cast<uint8_t*>(dst), &scale, &zero_point});
  });
  return {
      std::move(y),
      HostTensor::computed(DType::kF32, {}, [&](void* dst) { *static_cast<float*>(dst) = scale; }),
      HostTensor::computed(DType::kU8, {},
                           [&](void* dst) { *static_cast<uint8_t*>(dst) = zero_point; })};
}

// An operand's zero point: absent, one value, or one per row (a) / column (b).
int64_t zero_point_count(const HostTensor* zero_point, const HostTensor& operand, int64_t per,
                         const char* what) {
  if (zero_point == nullptr) return 1;
  if (zero_point->dtype != operand.dtype)
    fail(std::string(what) + " and its operand differ in element type");
  if (zero_point->count() == 1) return 1;
  if (zero_point->rank() != 1 || zero_point->count() != per)
    fail(std::string(what) + " " + dims_string(zero_point->dims) + " is neither one value nor " +
         std::to_string(per) + " (one per " + (what[0] == 'a' ? "row" : "column") + ")");
  return per;
}

std::vector<HostTensor> matmul_integer(const ir::Attributes&, const EvalInputs& in) {
  const HostTensor& a = required_input(in, 0);
  const HostTensor& b = required_input(in, 1);
  require_dtype(a, {DType::kU8, DType::kI8}, "A");
  require_dtype(b, {DType::kU8, DType::kI8}, "B");
  const std::vector<int64_t> dims = matmul_dims(a.dims, b.dims);
  const int64_t m = a.rank() == 1 ? 1 : a.dims[a.rank() - 2];
  const int64_t n = b.rank() == 1 ? 1 : b.dims.back();
  const HostTensor* a_zero = optional_input(in, 2);
  const HostTensor* b_zero = optional_input(in, 3);
  ref::MatMulIntegerArgs args;
  args.a_zero_point_count = zero_point_count(a_zero, a, m, "a_zero_point");
  args.b_zero_point_count = zero_point_count(b_zero, b, n, "b_zero_point");
  args.a = a.data();
  args.b = b.data();
  args.a_type = elem_type(a.dtype);
  args.b_type = elem_type(b.dtype);
  args.a_dims = ref_dims(a.dims);
  args.b_dims = ref_dims(b.dims);
  args.a_zero_point = a_zero ? a_zero->data() : nullptr;
  args.b_zero_point = b_zero ? b_zero->data() : nullptr;
  return {HostTensor::computed(DType::kI32, dims, [&](void* dst) {
    args.dst = static_cast<int32_t*>(dst);
    SerialParallel serial;
    ref::matmul_integer(args, serial);
  })};
}

}  // namespace

void add_quantize_ops(EvalTable& t) {
  t["QuantizeLinear"] = quantize_linear;
  t["DequantizeLinear"] = dequantize_linear;
  t["DynamicQuantizeLinear"] = dynamic_quantize_linear;
  t["MatMulInteger"] = matmul_integer;
}

}  // namespace minirt::converter::onnx
