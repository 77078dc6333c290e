#include <vector>

#include "ops/ref/kernels.h"
#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/shared_matmul.h"

namespace minirt {
namespace {

// Implementations in order: gather the first token of each sequence into a
// buffer sized at prepare for the model's max batch, then the JIT MatMul
// with tanh; else the reference pooler.
class PoolerOp final : public CpuOp {
 public:
  explicit PoolerOp(const CpuOpSetup& s)
      : hidden_(s.input(0)),
        weight_(s.input(1)),
        bias_(s.input(2)),
        dst_(s.output(0)),
        hidden_size_(s.input_value(1).shape[0].factor),
        jit_(shared_matmul(
            s, {weight_.f32(), bias_.f32(), hidden_size_, hidden_size_, Activation::kTanh, false},
            s.model.max_batch)),
        scratch_(s.scratch) {
    if (jit_) first_tokens_.resize(static_cast<size_t>(s.model.max_batch * hidden_size_));
  }

  void run(const RunShape& run, Parallel& parallel) override {
    if (jit_) {
      for (int64_t b = 0; b < run.batch; ++b) {
        const float* first_token = hidden_.f32() + b * run.seq * hidden_size_;  // [CLS]
        std::copy_n(first_token, hidden_size_, first_tokens_.data() + b * hidden_size_);
      }
      return jit_->run(first_tokens_.data(), nullptr, dst_.f32(), run.batch, parallel,
                       scratch_.data());
    }
    ref::PoolerArgs args;
    args.hidden = hidden_.f32();
    args.weight = weight_.f32();
    args.bias = bias_.f32();
    args.dst = dst_.f32();
    args.batch = run.batch;
    args.seq = run.seq;
    args.hidden_size = hidden_size_;
    ref::pooler(args, parallel);
  }

 private:
  TensorRef hidden_, weight_, bias_, dst_;
  int64_t hidden_size_;
  std::shared_ptr<const cpu::MatMul> jit_;  // shared by the model's sessions
  const ScratchBuffer& scratch_;
  std::vector<float> first_tokens_;  // [max_batch, hidden_size]
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_pooler(const CpuOpSetup& setup) {
  return std::make_unique<PoolerOp>(setup);
}

}  // namespace minirt
