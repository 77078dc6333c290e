#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

class TransposeOp final : public CpuOp {
 public:
  explicit TransposeOp(const CpuOpSetup& s)
      : src_(s.input(0)), dst_(s.output(0)), src_value_(s.input_value(0)) {
    for (size_t a = 0; a < s.op.axes.size(); ++a) perm_[a] = s.op.axes[a];
  }

  void run(const RunShape& run, Parallel&) override {
    ref::transpose({src_.data(), dst_.data(), eval_dims(src_value_, run), perm_,
                    dtype_size(src_value_.dtype)});
  }

 private:
  TensorRef src_, dst_;
  const ValueInfo& src_value_;
  std::array<int, ref::kMaxDims> perm_{};
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_transpose(const CpuOpSetup& setup) {
  return std::make_unique<TransposeOp>(setup);
}

}  // namespace minirt
