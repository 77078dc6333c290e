#include "ops/cpu/embed_layer_norm.h"
#include "runtime/cpu/cpu_op.h"

namespace minirt {
namespace {

class EmbedLayerNormOp final : public CpuOp {
 public:
  explicit EmbedLayerNormOp(const CpuOpSetup& s)
      : ids_(s.input(0)),
        types_(s.input(1)),
        mask_(s.input(2)),
        word_(s.input(3)),
        position_(s.input(4)),
        token_type_(s.input(5)),
        gamma_(s.input(6)),
        beta_(s.input(7)),
        dst_(s.output(0)),
        mask_bias_(s.output(1)),
        hidden_(s.input_value(3).shape.back().factor),
        epsilon_(s.op.epsilon),
        kernel_(cpu::embed_layer_norm_kernel_for(cpu_isa_in_use())) {}

  void run(const RunShape& run, Parallel& parallel) override {
    ref::EmbedLayerNormArgs args;
    args.input_ids = ids_.i64();
    args.token_type_ids = types_.i64();
    args.attention_mask = mask_.i64();
    args.word = word_.f32();
    args.position = position_.f32();
    args.token_type = token_type_.f32();
    args.gamma = gamma_.f32();
    args.beta = beta_.f32();
    args.batch = run.batch;
    args.seq = run.seq;
    args.hidden = hidden_;
    args.epsilon = epsilon_;
    args.dst = dst_.f32();
    args.mask_bias = mask_bias_.f32();
    kernel_(args, parallel);
  }

 private:
  TensorRef ids_, types_, mask_, word_, position_, token_type_, gamma_, beta_, dst_, mask_bias_;
  int64_t hidden_;
  float epsilon_;
  cpu::EmbedLayerNormKernel kernel_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_embed_layer_norm(const CpuOpSetup& setup) {
  return std::make_unique<EmbedLayerNormOp>(setup);
}

}  // namespace minirt
