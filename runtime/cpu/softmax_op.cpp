#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class SoftmaxOp final : public CpuOp {
 public:
  explicit SoftmaxOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel& parallel) override {
    ref::softmax(softmax_args(op_, run), parallel);
  }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_softmax(const CpuOpSetup& setup) {
  return std::make_unique<SoftmaxOp>(setup);
}

}  // namespace minirt
