// Ops that produce values from sizes alone: Range (start + i * delta over the
// output's length) and DimValues (its dims evaluated for the request, stored
// straight into the host output).
#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class RangeOp final : public CpuOp {
 public:
  explicit RangeOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel&) override {
    const OpInfo& info = op_.op();
    if (info.kind == OpKind::Range) {
      const RangeArgs args = range_args(op_, run);
      return ref::range(args.start, args.delta, args.count, args.type, args.dst);
    }
    auto* dst = static_cast<int64_t*>(op_.output(0).data());
    for (size_t i = 0; i < info.dims.size(); ++i) dst[i] = info.dims[i].eval(run);
  }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_range(const CpuOpSetup& setup) {
  return std::make_unique<RangeOp>(setup);
}

}  // namespace minirt
