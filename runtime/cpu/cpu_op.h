// One op of the op list, prepared for the CPU. Construction is "prepare":
// bind the op's tensors (runtime/exec, shared by backends), pick a kernel for
// the machine, pack weights, generate code. run() fills the kernel's
// arguments and calls it: no allocation, no validation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "ops/cpu/attention.h"
#include "ops/parallel.h"
#include "runtime/exec/bound_op.h"

namespace minirt {

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
  BoundOp bound;                              // the op over the backend's tensor table
  MatMulPrecision matmul_precision;           // from SessionOptions::precision
  cpu::AttentionProducts attention_products;  // asked for; the op may fall back to fp32
  ScratchBuffer& scratch;
};

class CpuOp {
 public:
  virtual ~CpuOp() = default;
  virtual void run(const RunShape& run, Parallel& parallel) = 0;
};

// The CPU op for setup.bound.op(), from the kind-to-factory table
// (cpu_op_table.cpp).
// Throws Error naming the op when its kind has no CPU implementation.
std::unique_ptr<CpuOp> make_cpu_op(const CpuOpSetup& setup);

}  // namespace minirt
