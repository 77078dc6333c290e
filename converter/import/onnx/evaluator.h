// Evaluates one imported ONNX op ("onnx::Add", ...) on host tensors, with the
// ONNX semantics of opsets 11 to 21 (attributes that later opsets moved to
// inputs are taken either way). The arithmetic is ops/ref's kernels; this
// layer checks the operands and works out the output's dtype and dims. The
// set of ops listed here is the set the importer accepts.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "converter/import/onnx/host_tensor.h"
#include "converter/ir/attributes.h"

namespace minirt::converter::onnx {

// One entry per op input; nullptr for an absent optional input.
using EvalInputs = std::vector<const HostTensor*>;
using EvalFn = std::function<std::vector<HostTensor>(const ir::Attributes&, const EvalInputs&)>;
using EvalTable = std::map<std::string, EvalFn, std::less<>>;  // keyed by ONNX op_type

void add_elementwise_ops(EvalTable& table);
void add_shape_ops(EvalTable& table);
void add_math_ops(EvalTable& table);
void add_quantize_ops(EvalTable& table);

// Every op this converter understands, by ONNX op_type.
const EvalTable& onnx_eval_table();

// Throws std::runtime_error when the op is unknown or its inputs are invalid.
std::vector<HostTensor> evaluate_onnx_op(const std::string& op_type, const ir::Attributes& attrs,
                                         const EvalInputs& inputs);

// Where ONNX Slice reads, per data axis: the first element, the step and the
// count, with starts and ends clamped as ONNX defines.
struct SliceBounds {
  std::vector<int64_t> first, step, dims;
};
SliceBounds slice_bounds(const ir::Attributes& attrs, const EvalInputs& inputs);

// numpy matmul's output dims (1-D operands promoted, batch dims broadcast);
// throws when the operands differ in K.
std::vector<int64_t> matmul_dims(const std::vector<int64_t>& a, const std::vector<int64_t>& b);

// Input i, or a clear error when it is absent.
const HostTensor& required_input(const EvalInputs& inputs, size_t i);
// Input i, or nullptr when it is absent.
const HostTensor* optional_input(const EvalInputs& inputs, size_t i);
// Axes from attribute "axes" (older opsets) or input 1 (newer ones); empty
// when neither is given.
std::vector<int64_t> axes_of(const ir::Attributes& attrs, const EvalInputs& inputs);
// Normalizes a possibly negative axis against rank; throws when out of range.
size_t normalize_axis(int64_t axis, size_t rank);
// Throws "<what> must be <types> (is <dtype>)" unless t.dtype is one of types.
void require_dtype(const HostTensor& t, std::initializer_list<ir::DType> types,
                   const std::string& what);

}  // namespace minirt::converter::onnx
