// Binding tensors to op arguments, shared by every backend. A backend keeps
// a tensor table: one pointer per value (weight, arena slot or graph input;
// host or device memory alike), sized once and never reallocated. A BoundOp,
// made at prepare, reads an op's tensors through that table, so a run's new
// input pointers are seen without rebinding; the *_args functions
// (fused_args.h, generic_args.h) fill a kernel's argument struct from it and
// the RunShape with a few loads and stores. Only the kernel choice is left
// to the backend.
#pragma once

#include <cstdint>
#include <vector>

#include "ops/ref/generic_kernels.h"
#include "ops/run_shape.h"
#include "runtime/model/model_impl.h"

namespace minirt {

// A value's data pointer as it stands at run time: weights and arena slots
// are fixed at session construction, graph inputs change per request, so an
// op keeps the address of the slot, not the pointer.
class TensorRef {
 public:
  TensorRef() = default;
  explicit TensorRef(void* const* slot) : slot_(slot) {}
  float* f32() const { return slot_ ? static_cast<float*>(*slot_) : nullptr; }
  const int64_t* i64() const { return slot_ ? static_cast<const int64_t*>(*slot_) : nullptr; }
  void* data() const { return slot_ ? *slot_ : nullptr; }  // any dtype (generic ops)

 private:
  void* const* slot_ = nullptr;  // nullptr: optional input absent
};

// One op of the model over a backend's tensor table.
class BoundOp {
 public:
  BoundOp(const Model::Impl& model, const OpInfo& op, const std::vector<void*>& tensors)
      : model_(&model), op_(&op), tensors_(&tensors) {}

  const Model::Impl& model() const { return *model_; }
  const OpInfo& op() const { return *op_; }
  size_t op_index() const { return static_cast<size_t>(op_ - model_->ops.data()); }

  // An absent optional input (index -1, or past the op's list) is a null TensorRef.
  TensorRef input(size_t i) const { return ref(i < op_->inputs.size() ? op_->inputs[i] : -1); }
  TensorRef output(size_t i) const { return ref(op_->outputs[i]); }
  bool has_input(size_t i) const { return i < op_->inputs.size() && op_->inputs[i] >= 0; }
  const ValueInfo& input_value(size_t i) const {
    return model_->values[static_cast<size_t>(op_->inputs[i])];
  }
  const ValueInfo& output_value(size_t i) const {
    return model_->values[static_cast<size_t>(op_->outputs[i])];
  }

 private:
  TensorRef ref(int32_t v) const {
    return v < 0 ? TensorRef() : TensorRef(&(*tensors_)[static_cast<size_t>(v)]);
  }

  const Model::Impl* model_;
  const OpInfo* op_;
  const std::vector<void*>* tensors_;
};

// A value's dims evaluated for a run.
inline ref::Dims eval_dims(const ValueInfo& value, const RunShape& run) {
  ref::Dims dims;
  dims.rank = static_cast<int>(value.shape.size());
  for (size_t a = 0; a < value.shape.size(); ++a) dims.d[a] = value.shape[a].eval(run);
  return dims;
}

// A generic value's element type as the generic kernels name it (check_model
// admits only these dtypes for generic ops; I8 only for (De)QuantizeLinear).
inline ref::ElemType elem_type(DType dtype) {
  return dtype == DType::F32   ? ref::ElemType::kF32
         : dtype == DType::I64 ? ref::ElemType::kI64
         : dtype == DType::I8  ? ref::ElemType::kI8
                               : ref::ElemType::kU8;
}

}  // namespace minirt
