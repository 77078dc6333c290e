// One op of the op list, prepared for the CPU. Construction is "prepare":
// resolve tensors, pick a kernel for the machine, pack weights, generate
// code. run() is arithmetic only: no allocation, no validation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "ops/parallel.h"
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

// Per-run temporaries of a session's ops, one buffer for all (ops run one
// at a time): each op's prepare asks for what it needs (reserve), the
// backend allocates once after prepare, and run() uses data().
class ScratchBuffer {
 public:
  void reserve(size_t bytes) { bytes_ = std::max(bytes_, bytes); }
  void allocate();  // throws Error when the allocation fails
  void* data() const { return data_.get(); }
  size_t bytes() const { return bytes_; }

 private:
  struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
  };
  size_t bytes_ = 0;
  std::unique_ptr<void, FreeDeleter> data_;
};

// What an op's prepare step may read.
struct CpuOpSetup {
  const Model::Impl& model;
  const OpInfo& op;
  const std::vector<void*>& tensors;  // per value; sized once, never reallocated
  MatMulPrecision matmul_precision;   // from SessionOptions::precision
  ScratchBuffer& scratch;

  size_t op_index() const { return static_cast<size_t>(&op - model.ops.data()); }
  TensorRef input(size_t i) const { return ref(op.inputs[i]); }
  TensorRef output(size_t i) const { return ref(op.outputs[i]); }
  const ValueInfo& input_value(size_t i) const {
    return model.values[static_cast<size_t>(op.inputs[i])];
  }
  const ValueInfo& output_value(size_t i) const {
    return model.values[static_cast<size_t>(op.outputs[i])];
  }

 private:
  TensorRef ref(int32_t v) const {
    return v < 0 ? TensorRef() : TensorRef(&tensors[static_cast<size_t>(v)]);
  }
};

class CpuOp {
 public:
  virtual ~CpuOp() = default;
  virtual void run(const RunShape& run, Parallel& parallel) = 0;
};

// The CPU op for setup.op, from the kind-to-factory table (cpu_op_table.cpp).
// Throws Error naming the op when its kind has no CPU implementation.
std::unique_ptr<CpuOp> make_cpu_op(const CpuOpSetup& setup);

}  // namespace minirt
