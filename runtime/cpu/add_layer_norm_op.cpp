#include "ops/cpu/add_layer_norm.h"
#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/fused_args.h"

namespace minirt {
namespace {

class AddLayerNormOp final : public CpuOp {
 public:
  explicit AddLayerNormOp(const CpuOpSetup& s)
      : op_(s.bound), kernel_(cpu::add_layer_norm_kernel_for(cpu_isa_in_use())) {}

  void run(const RunShape& run, Parallel& parallel) override {
    kernel_(add_layer_norm_args(op_, run), parallel);
  }

 private:
  BoundOp op_;
  cpu::AddLayerNormKernel kernel_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_add_layer_norm(const CpuOpSetup& setup) {
  return std::make_unique<AddLayerNormOp>(setup);
}

}  // namespace minirt
