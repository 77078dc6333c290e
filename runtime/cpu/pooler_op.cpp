#include "ops/ref/kernels.h"
#include "runtime/cpu/cpu_op.h"

namespace minirt {
namespace {

class PoolerOp final : public CpuOp {
 public:
  explicit PoolerOp(const CpuOpSetup& s)
      : hidden_(s.input(0)),
        weight_(s.input(1)),
        bias_(s.input(2)),
        dst_(s.output(0)),
        hidden_size_(s.input_value(1).shape[0].factor) {}

  void run(int64_t batch, int64_t seq, Parallel& parallel) override {
    ref::PoolerArgs args;
    args.hidden = hidden_.f32();
    args.weight = weight_.f32();
    args.bias = bias_.f32();
    args.dst = dst_.f32();
    args.batch = batch;
    args.seq = seq;
    args.hidden_size = hidden_size_;
    ref::pooler(args, parallel);
  }

 private:
  TensorRef hidden_, weight_, bias_, dst_;
  int64_t hidden_size_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_pooler(const CpuOpSetup& setup) {
  return std::make_unique<PoolerOp>(setup);
}

}  // namespace minirt
