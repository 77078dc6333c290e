#include "converter/ir/shape.h"

#include <limits>

namespace minirt::ir {

Shape const_shape(const std::vector<int64_t>& dims) {
  Shape shape;
  shape.reserve(dims.size());
  for (int64_t d : dims) shape.push_back(const_dim(d));
  return shape;
}

int64_t element_count(const Shape& shape) {
  int64_t count = 1;
  for (const Dim& d : shape) {
    if (!d.is_constant() || d.factor < 0) return -1;
    if (d.factor != 0 && count > std::numeric_limits<int64_t>::max() / d.factor) return -1;
    count *= d.factor;
  }
  return count;
}

std::string to_string(const Dim& dim) {
  std::string s;
  if (dim.factor != 1 || dim.is_constant()) s = std::to_string(dim.factor);
  auto append = [&s](const char* symbol) {
    if (!s.empty()) s += '*';
    s += symbol;
  };
  if (dim.batch) append("B");
  if (dim.seq) append("S");
  return s;
}

std::string to_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ',';
    s += to_string(shape[i]);
  }
  return s + "]";
}

}  // namespace minirt::ir
