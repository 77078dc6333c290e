// Gather and GatherND. Indices are data, so an index out of range is an
// error naming the op, checked by the kernel before any read.
#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

class GatherOp final : public CpuOp {
 public:
  explicit GatherOp(const CpuOpSetup& s)
      : op_(s.op),
        data_(s.input(0)),
        indices_(s.input(1)),
        dst_(s.output(0)),
        data_value_(s.input_value(0)),
        indices_value_(s.input_value(1)) {}

  void run(const RunShape& run, Parallel&) override {
    const ref::Dims data = eval_dims(data_value_, run);
    const size_t elem_bytes = dtype_size(data_value_.dtype);
    const ref::GatherResult result =
        op_.kind == OpKind::Gather
            ? ref::gather({data_.data(), data, indices_.i64(), indices_value_.numel(run),
                           dst_.data(), op_.axis, elem_bytes})
            : ref::gather_nd({data_.data(), data, indices_.i64(), eval_dims(indices_value_, run),
                              dst_.data(), elem_bytes});
    if (!result.ok)
      throw Error("op '" + op_.name + "' (" + fb::EnumNameOpParams(op_.kind) + "): index " +
                  std::to_string(result.bad_index) + " in '" + indices_value_.name +
                  "' is out of range for '" + data_value_.name + "'");
  }

 private:
  const OpInfo& op_;
  TensorRef data_, indices_, dst_;
  const ValueInfo &data_value_, &indices_value_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_gather(const CpuOpSetup& setup) {
  return std::make_unique<GatherOp>(setup);
}

}  // namespace minirt
