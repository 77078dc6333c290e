// Generic LayerNormalization: rows of the normalized axes' element count.
#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class LayerNormalizationOp final : public CpuOp {
 public:
  explicit LayerNormalizationOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel& parallel) override {
    ref::layer_normalization(layer_normalization_args(op_, run), parallel);
  }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_layer_normalization(const CpuOpSetup& setup) {
  return std::make_unique<LayerNormalizationOp>(setup);
}

}  // namespace minirt
