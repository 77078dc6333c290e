// Elementwise and Expand (a same-type Cast broadcast to the output's shape).
#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class ElementwiseOp final : public CpuOp {
 public:
  explicit ElementwiseOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel& parallel) override {
    ref::elementwise(elementwise_args(op_, run), parallel);
  }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_elementwise(const CpuOpSetup& setup) {
  return std::make_unique<ElementwiseOp>(setup);
}

}  // namespace minirt
