// Slice: starts are symbolic dims evaluated per request; counts come from
// the output's shape (check_model proved every read stays in bounds).
#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class SliceOp final : public CpuOp {
 public:
  explicit SliceOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel&) override { ref::slice(slice_args(op_, run)); }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_slice(const CpuOpSetup& setup) {
  return std::make_unique<SliceOp>(setup);
}

}  // namespace minirt
