#include "ops/cpu/add_layer_norm.h"
#include "runtime/cpu/cpu_op.h"

namespace minirt {
namespace {

class AddLayerNormOp final : public CpuOp {
 public:
  explicit AddLayerNormOp(const CpuOpSetup& s)
      : src_(s.input(0)),
        residual_(s.input(1)),
        gamma_(s.input(2)),
        beta_(s.input(3)),
        dst_(s.output(0)),
        src_value_(s.input_value(0)),
        hidden_(s.input_value(2).shape[0].factor),
        epsilon_(s.op.epsilon),
        kernel_(cpu::add_layer_norm_kernel_for(cpu_isa_in_use())) {}

  void run(const RunShape& run, Parallel& parallel) override {
    ref::AddLayerNormArgs args;
    args.src = src_.f32();
    args.residual = residual_.f32();
    args.gamma = gamma_.f32();
    args.beta = beta_.f32();
    args.dst = dst_.f32();
    args.hidden = hidden_;
    args.rows = src_value_.numel(run) / hidden_;
    args.epsilon = epsilon_;
    kernel_(args, parallel);
  }

 private:
  TensorRef src_, residual_, gamma_, beta_, dst_;
  const ValueInfo& src_value_;
  int64_t hidden_;
  float epsilon_;
  cpu::AddLayerNormKernel kernel_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_add_layer_norm(const CpuOpSetup& setup) {
  return std::make_unique<AddLayerNormOp>(setup);
}

}  // namespace minirt
