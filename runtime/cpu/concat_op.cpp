#include "runtime/cpu/cpu_op.h"
#include "runtime/cpu/generic_op_util.h"

namespace minirt {
namespace {

class ConcatOp final : public CpuOp {
 public:
  // Part pointers and extents are sized here so run() allocates nothing.
  explicit ConcatOp(const CpuOpSetup& s)
      : dst_(s.output(0)),
        dst_value_(s.output_value(0)),
        axis_(s.op.axis),
        pointers_(s.op.inputs.size()),
        extents_(s.op.inputs.size()) {
    for (size_t i = 0; i < s.op.inputs.size(); ++i) {
      parts_.push_back(s.input(i));
      part_values_.push_back(&s.input_value(i));
    }
  }

  void run(const RunShape& run, Parallel&) override {
    for (size_t i = 0; i < parts_.size(); ++i) {
      pointers_[i] = parts_[i].data();
      extents_[i] = part_values_[i]->shape[static_cast<size_t>(axis_)].eval(run);
    }
    ref::concat({pointers_, extents_, dst_.data(), eval_dims(dst_value_, run), axis_,
                 dtype_size(dst_value_.dtype)});
  }

 private:
  TensorRef dst_;
  const ValueInfo& dst_value_;
  int axis_;
  std::vector<TensorRef> parts_;
  std::vector<const ValueInfo*> part_values_;
  std::vector<const void*> pointers_;
  std::vector<int64_t> extents_;
};

}  // namespace

std::unique_ptr<CpuOp> make_cpu_concat(const CpuOpSetup& setup) {
  return std::make_unique<ConcatOp>(setup);
}

}  // namespace minirt
