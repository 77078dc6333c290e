// Symbolic shapes: each dim is factor * (batch if `batch`) * (seq if `seq`),
// exactly what minirt.fbs can store, so the runtime evaluates shapes for a
// request's (batch, seq) without any shape arithmetic.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace minirt::ir {

struct Dim {
  int64_t factor = 1;
  bool batch = false;
  bool seq = false;

  bool is_constant() const { return !batch && !seq; }
  friend bool operator==(const Dim&, const Dim&) = default;
};

inline constexpr Dim kBatchDim{1, true, false};
inline constexpr Dim kSeqDim{1, false, true};

inline Dim const_dim(int64_t n) { return Dim{n, false, false}; }

using Shape = std::vector<Dim>;

Shape const_shape(const std::vector<int64_t>& dims);
// Number of elements of a constant shape; -1 if it is symbolic or overflows.
int64_t element_count(const Shape& shape);

// "B", "S", "3*B*S", "64"; shapes as "[B,S,64]".
std::string to_string(const Dim& dim);
std::string to_string(const Shape& shape);

}  // namespace minirt::ir
