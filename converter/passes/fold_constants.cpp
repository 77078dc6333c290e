#include <cstring>

#include "converter/passes/passes.h"

namespace minirt::converter::passes {
namespace {

bool same_at_every_probe(const onnx::ValueFacts& facts) {
  if (facts.content_deps != 0 || !facts.has_data()) return false;
  const onnx::HostTensor& first = facts.at_probe[0];
  for (const onnx::HostTensor& t : facts.at_probe) {
    if (t.dims != first.dims || t.values != first.values) return false;
  }
  return true;
}

ir::WeightBytes bytes_of(const onnx::HostTensor& t) {
  const size_t size = ir::dtype_size(t.dtype);
  std::vector<uint8_t> bytes(t.values.size() * size);
  for (size_t i = 0; i < t.values.size(); ++i) {
    if (t.dtype == ir::DType::kF32) {
      const float v = static_cast<float>(t.values[i]);
      std::memcpy(bytes.data() + i * size, &v, size);
    } else if (t.dtype == ir::DType::kI64) {
      const int64_t v = t.int_at(i);
      std::memcpy(bytes.data() + i * size, &v, size);
    } else {
      bytes[i] = t.values[i] != 0;
    }
  }
  return ir::WeightBytes::owned_bytes(std::move(bytes));
}

}  // namespace

void fold_constants(PassContext& ctx) {
  std::vector<ir::Op> kept;
  size_t folded = 0;
  for (ir::Op& op : ctx.g.ops) {
    bool all = true;
    for (int id : op.outputs) {
      all &= ctx.g.values[id].kind == ir::ValueKind::kIntermediate &&
             same_at_every_probe(ctx.facts.values[id]);
    }
    if (!all) {
      kept.push_back(std::move(op));
      continue;
    }
    for (int id : op.outputs) {
      ir::Value& value = ctx.g.values[id];
      value.kind = ir::ValueKind::kWeight;
      value.data = bytes_of(ctx.facts.values[id].at_probe[0]);
    }
    ++folded;
  }
  ctx.g.ops = std::move(kept);
  ctx.log.push_back("fold_constants: " + std::to_string(folded) + " ops folded into constants");
}

}  // namespace minirt::converter::passes
