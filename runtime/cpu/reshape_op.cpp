// Reshape: the elements as they are, into the output's slot.
#include <cstring>

#include "runtime/cpu/cpu_op.h"

namespace minirt {
namespace {

class ReshapeOp final : public CpuOp {
 public:
  explicit ReshapeOp(const CpuOpSetup& s)
      : src_(s.input(0)), dst_(s.output(0)), dst_value_(s.output_value(0)) {}

  void run(const RunShape& run, Parallel&) override {
    const size_t bytes = static_cast<size_t>(dst_value_.numel(run)) * dtype_size(dst_value_.dtype);
    std::memcpy(dst_.data(), src_.data(), bytes);
  }

 private:
  TensorRef src_, dst_;
  const ValueInfo& dst_value_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_reshape(const CpuOpSetup& setup) {
  return std::make_unique<ReshapeOp>(setup);
}

}  // namespace minirt
