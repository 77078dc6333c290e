#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class ConcatOp final : public CpuOp {
 public:
  // Part pointers and extents are sized here so run() allocates nothing.
  explicit ConcatOp(const CpuOpSetup& s)
      : op_(s.bound), parts_(s.bound.op().inputs.size()), extents_(s.bound.op().inputs.size()) {}

  void run(const RunShape& run, Parallel&) override {
    ref::concat(concat_args(op_, run, parts_, extents_));
  }

 private:
  BoundOp op_;
  std::vector<const void*> parts_;
  std::vector<int64_t> extents_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_concat(const CpuOpSetup& setup) {
  return std::make_unique<ConcatOp>(setup);
}

}  // namespace minirt
