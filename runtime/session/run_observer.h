// Watching a run op by op, for tools that learn from a model's activations
// (minirt-convert --calibrate collects each int8 MatMul's input range).
// Internal: not part of the public API, and not exported by libminirt.so.
#pragma once

#include <cstddef>
#include <span>

#include "ops/run_shape.h"

namespace minirt {

class Session;
struct OpInfo;

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // Called before op_index (of the model's op list) runs, its inputs written.
  // tensors holds every value's host data by value index (Model::Impl::values);
  // a value's dims for this run are ValueInfo::dims(run, ...).
  virtual void before_op(size_t op_index, const OpInfo& op, const RunShape& run,
                         std::span<void* const> tensors) = 0;
};

// Every later run of session calls observer (nullptr: none, the default) until
// it is cleared; the observer must outlive those runs. Throws Error for a
// backend that cannot observe (device memory). Without an observer a run
// takes the same path as before: one branch per run, none per op.
void set_run_observer(Session& session, RunObserver* observer);

}  // namespace minirt
