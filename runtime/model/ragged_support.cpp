#include "runtime/model/ragged_support.h"

#include <string>

#include "runtime/model/checked_math.h"

namespace minirt {
namespace {

bool runs_packed(OpKind kind) {
  switch (kind) {
    case OpKind::EmbedLayerNorm:
    case OpKind::MatMul:
    case OpKind::Attention:
    case OpKind::AddLayerNorm:
    case OpKind::Pooler:
      return true;
    default:
      return false;
  }
}

// A packed run has one token dim where a padded one has B and S: so S may
// appear only with B (B*S) or right after a dim of B alone ([B,S,...]).
bool packs(const std::vector<SymDim>& shape) {
  for (size_t d = 0; d < shape.size(); ++d) {
    if (!shape[d].seq || shape[d].batch) continue;
    if (d == 0 || !shape[d - 1].batch || shape[d - 1].seq) return false;
  }
  return true;
}

}  // namespace

void check_ragged_support(Model::Impl& impl) {
  impl.ragged_refusal.clear();
  for (size_t i = 0; i < impl.ops.size(); ++i) {
    const OpInfo& op = impl.ops[i];
    if (runs_packed(op.kind)) continue;
    impl.ragged_refusal = "op " + std::to_string(i) + " '" + op.name + "' (" +
                          fb::EnumNameOpParams(op.kind) +
                          ") is a generic op over the padded [batch, seq] layout; only the fused "
                          "ops run padding-free";
    return;
  }
  for (const ValueInfo& value : impl.values) {
    if (value.kind == ValueKind::kWeight || packs(value.shape)) continue;
    impl.ragged_refusal =
        "value '" + value.name + "' " + value.shape_str() + " has no packed (token) layout";
    return;
  }
  const RunShape at_max = ragged_at_max(impl);
  for (ValueInfo& value : impl.values) {
    if (value.kind == ValueKind::kWeight || value.kind == ValueKind::kInput) continue;
    int64_t numel = 1;
    for (size_t i = 0; i < value.shape.size(); ++i) {
      SymDim dim = value.shape[i];
      if (dim.batch && !dim.seq && i + 1 < value.shape.size() && value.shape[i + 1].seq &&
          !value.shape[i + 1].batch) {
        // [B,S] packs into one token dim, as ValueInfo::dims.
        const std::optional<int64_t> f = checked_mul(dim.factor, value.shape[++i].factor);
        dim = SymDim{f.value_or(-1), true, true};
      }
      const std::optional<int64_t> d = dim.factor > 0 ? checked_eval(dim, at_max) : std::nullopt;
      const std::optional<int64_t> n = d ? checked_mul(numel, *d) : std::nullopt;
      if (!n)
        throw Error("value '" + value.name + "' overflows at max_tokens " +
                    std::to_string(impl.max_tokens));
      numel = *n;
    }
    const std::optional<int64_t> bytes =
        checked_mul(numel, static_cast<int64_t>(dtype_size(value.dtype)));
    if (!bytes || *bytes > (int64_t{1} << 44))
      throw Error("value '" + value.name + "' is too large at max_tokens " +
                  std::to_string(impl.max_tokens));
    value.max_bytes = std::max(value.max_bytes, static_cast<size_t>(*bytes));
  }
}

}  // namespace minirt
