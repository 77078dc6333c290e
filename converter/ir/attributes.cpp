#include "converter/ir/attributes.h"

#include <stdexcept>

namespace minirt::ir {

template <typename T>
const T& Attributes::get(const std::string& name, const char* type_name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::runtime_error("missing attribute '" + name + "'");
  const T* value = std::get_if<T>(&it->second);
  if (value == nullptr) {
    throw std::runtime_error("attribute '" + name + "' is not " + type_name);
  }
  return *value;
}

int64_t Attributes::get_int(const std::string& name) const { return get<int64_t>(name, "an int"); }

float Attributes::get_float(const std::string& name) const { return get<float>(name, "a float"); }

const std::vector<int64_t>& Attributes::get_ints(const std::string& name) const {
  return get<std::vector<int64_t>>(name, "a list of ints");
}

const std::string& Attributes::get_string(const std::string& name) const {
  return get<std::string>(name, "a string");
}

}  // namespace minirt::ir
