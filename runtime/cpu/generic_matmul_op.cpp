// GenericMatMul (numpy matmul) and Gemm on the reference kernels.
#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class GenericMatMulOp final : public CpuOp {
 public:
  explicit GenericMatMulOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel& parallel) override {
    if (op_.op().kind == OpKind::GenericMatMul)
      return ref::batched_matmul(batched_matmul_args(op_, run), parallel);
    ref::gemm(gemm_args(op_, run), parallel);
  }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_generic_matmul(const CpuOpSetup& setup) {
  return std::make_unique<GenericMatMulOp>(setup);
}

}  // namespace minirt
