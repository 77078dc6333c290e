// Ops that produce values from sizes alone: Range (start + i * delta over the
// output's length) and DimValues (its dims evaluated for the request).
#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

class RangeOp final : public CpuOp {
 public:
  explicit RangeOp(const CpuOpSetup& s)
      : op_(s.op), dst_(s.output(0)), dst_value_(s.output_value(0)) {}

  void run(const RunShape& run, Parallel&) override {
    if (op_.kind == OpKind::Range) {
      return ref::range(op_.start, op_.delta, dst_value_.numel(run), elem_type(dst_value_.dtype),
                        dst_.data());
    }
    auto* dst = static_cast<int64_t*>(dst_.data());
    for (size_t i = 0; i < op_.dims.size(); ++i) dst[i] = op_.dims[i].eval(run);
  }

 private:
  const OpInfo& op_;
  TensorRef dst_;
  const ValueInfo& dst_value_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_range(const CpuOpSetup& setup) {
  return std::make_unique<RangeOp>(setup);
}

}  // namespace minirt
