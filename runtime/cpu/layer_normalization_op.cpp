// Generic LayerNormalization: rows of the normalized axes' element count.
#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

class LayerNormalizationOp final : public CpuOp {
 public:
  explicit LayerNormalizationOp(const CpuOpSetup& s)
      : src_(s.input(0)),
        scale_(s.input(1)),
        bias_(s.op.inputs.size() > 2 ? s.input(2) : TensorRef()),
        dst_(s.output(0)),
        src_value_(s.input_value(0)),
        scale_value_(s.input_value(1)),
        epsilon_(s.op.epsilon) {}

  void run(const RunShape& run, Parallel& parallel) override {
    ref::LayerNormalizationArgs args;
    args.src = src_.f32();
    args.scale = scale_.f32();
    args.bias = bias_.f32();
    args.dst = dst_.f32();
    args.cols = scale_value_.numel(run);
    args.rows = src_value_.numel(run) / args.cols;
    args.epsilon = epsilon_;
    ref::layer_normalization(args, parallel);
  }

 private:
  TensorRef src_, scale_, bias_, dst_;
  const ValueInfo &src_value_, &scale_value_;
  float epsilon_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_layer_normalization(const CpuOpSetup& setup) {
  return std::make_unique<LayerNormalizationOp>(setup);
}

}  // namespace minirt
