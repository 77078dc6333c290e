#include "ops/cpu/attention.h"
#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/fused_args.h"

namespace minirt {
namespace {

class AttentionOp final : public CpuOp {
 public:
  explicit AttentionOp(const CpuOpSetup& s)
      : op_(s.bound),
        kernel_(cpu::attention_kernel_for(cpu_isa_in_use(), s.bound.op().head_dim,
                                          s.attention_products)) {}

  void run(const RunShape& run, Parallel& parallel) override {
    kernel_(attention_args(op_, run), parallel);
  }

 private:
  BoundOp op_;
  cpu::AttentionKernel kernel_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_attention(const CpuOpSetup& setup) {
  return std::make_unique<AttentionOp>(setup);
}

}  // namespace minirt
