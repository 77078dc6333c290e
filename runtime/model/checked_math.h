// Shape arithmetic on numbers read from a model file: int64 multiply and add
// that report overflow (nullopt) instead of wrapping, so a bound check after
// them cannot be fooled by a wrapped product.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/model/model_impl.h"

namespace minirt {

inline std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return std::nullopt;
  return out;
}

inline std::optional<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

// SymDim::eval, checked: factor * batch * seq (factor * tokens for B*S in a
// ragged run).
inline std::optional<int64_t> checked_eval(const SymDim& d, const RunShape& run) {
  if (run.ragged && d.batch && d.seq) return checked_mul(d.factor, run.tokens);
  std::optional<int64_t> n = d.factor;
  if (d.batch) n = checked_mul(*n, run.batch);
  if (n && d.seq) n = checked_mul(*n, run.seq);
  return n;
}

}  // namespace minirt
