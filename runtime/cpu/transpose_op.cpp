#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class TransposeOp final : public CpuOp {
 public:
  explicit TransposeOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel&) override { ref::transpose(transpose_args(op_, run)); }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_transpose(const CpuOpSetup& setup) {
  return std::make_unique<TransposeOp>(setup);
}

}  // namespace minirt
