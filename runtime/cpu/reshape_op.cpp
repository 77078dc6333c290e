// Reshape: the elements as they are, into the output's slot.
#include <cstring>

#include "runtime/cpu/cpu_op.h"
#include "runtime/exec/generic_args.h"

namespace minirt {
namespace {

class ReshapeOp final : public CpuOp {
 public:
  explicit ReshapeOp(const CpuOpSetup& s) : op_(s.bound) {}

  void run(const RunShape& run, Parallel&) override {
    const CopyArgs args = reshape_args(op_, run);
    std::memcpy(args.dst, args.src, args.bytes);
  }

 private:
  BoundOp op_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_reshape(const CpuOpSetup& setup) {
  return std::make_unique<ReshapeOp>(setup);
}

}  // namespace minirt
