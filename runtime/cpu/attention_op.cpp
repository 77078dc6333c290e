#include "ops/cpu/attention.h"
#include "runtime/cpu/cpu_op.h"

namespace minirt {
namespace {

class AttentionOp final : public CpuOp {
 public:
  explicit AttentionOp(const CpuOpSetup& s)
      : qkv_(s.input(0)),
        mask_bias_(s.input(1)),
        dst_(s.output(0)),
        num_heads_(s.op.num_heads),
        head_dim_(s.op.head_dim),
        scale_(s.op.scale),
        kernel_(cpu::attention_kernel_for(cpu_isa_in_use(), head_dim_)) {}

  void run(const RunShape& run, Parallel& parallel) override {
    ref::AttentionArgs args;
    args.qkv = qkv_.f32();
    args.mask_bias = mask_bias_.f32();
    args.dst = dst_.f32();
    args.batch = run.batch;
    args.seq = run.seq;
    args.num_heads = num_heads_;
    args.head_dim = head_dim_;
    args.scale = scale_;
    kernel_(args, parallel);
  }

 private:
  TensorRef qkv_, mask_bias_, dst_;
  int64_t num_heads_, head_dim_;
  float scale_;
  cpu::AttentionKernel kernel_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_attention(const CpuOpSetup& setup) {
  return std::make_unique<AttentionOp>(setup);
}

}  // namespace minirt
