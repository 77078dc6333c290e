#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class ReduceMeanOp final : public CpuOp {
 public:
  explicit ReduceMeanOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel& parallel) override {
    ref::reduce_mean(reduce_mean_args(op_, run), parallel);
  }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_reduce_mean(const CpuOpSetup& setup) {
  return std::make_unique<ReduceMeanOp>(setup);
}

}  // namespace minirt
