// Slice: starts are symbolic dims evaluated per request; counts come from
// the output's shape (check_model proved every read stays in bounds).
#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

class SliceOp final : public CpuOp {
 public:
  explicit SliceOp(const CpuOpSetup& s)
      : op_(s.op),
        src_(s.input(0)),
        dst_(s.output(0)),
        src_value_(s.input_value(0)),
        dst_value_(s.output_value(0)) {}

  void run(const RunShape& run, Parallel&) override {
    ref::SliceArgs args;
    args.src = src_.data();
    args.dst = dst_.data();
    args.src_dims = eval_dims(src_value_, run);
    args.dst_dims = eval_dims(dst_value_, run);
    for (size_t a = 0; a < op_.dims.size(); ++a) {
      args.starts[a] = op_.dims[a].eval(run);
      args.steps[a] = op_.steps[a];
    }
    args.elem_bytes = dtype_size(src_value_.dtype);
    ref::slice(args);
  }

 private:
  const OpInfo& op_;
  TensorRef src_, dst_;
  const ValueInfo &src_value_, &dst_value_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_slice(const CpuOpSetup& setup) {
  return std::make_unique<SliceOp>(setup);
}

}  // namespace minirt
