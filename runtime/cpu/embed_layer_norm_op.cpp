#include "ops/cpu/embed_layer_norm.h"
#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/fused_args.h"

namespace minirt {
namespace {

class EmbedLayerNormOp final : public CpuOp {
 public:
  explicit EmbedLayerNormOp(const CpuOpSetup& s)
      : op_(s.bound), kernel_(cpu::embed_layer_norm_kernel_for(cpu_isa_in_use())) {}

  void run(const RunShape& run, Parallel& parallel) override {
    kernel_(embed_layer_norm_args(op_, run), parallel);
  }

 private:
  BoundOp op_;
  cpu::EmbedLayerNormKernel kernel_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_embed_layer_norm(const CpuOpSetup& setup) {
  return std::make_unique<EmbedLayerNormOp>(setup);
}

}  // namespace minirt
