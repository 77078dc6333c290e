// Gather and GatherND. Indices are data, so an index out of range is an
// error naming the op, checked by the kernel before any read.
#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class GatherOp final : public CpuOp {
 public:
  explicit GatherOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel&) override {
    const OpInfo& info = op_.op();
    const ref::GatherResult result = info.kind == OpKind::Gather
                                         ? ref::gather(gather_args(op_, run))
                                         : ref::gather_nd(gather_nd_args(op_, run));
    if (!result.ok)
      throw Error("op '" + info.name + "' (" + fb::EnumNameOpParams(info.kind) + "): index " +
                  std::to_string(result.bad_index) + " in '" + op_.input_value(1).name +
                  "' is out of range for '" + op_.input_value(0).name + "'");
  }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_gather(const CpuOpSetup& setup) {
  return std::make_unique<GatherOp>(setup);
}

}  // namespace minirt
