// Op attributes by name. Generic so an importer can carry a source op's
// attributes as they are; the getters throw a clear error when an attribute
// is missing or of another type, which emit's validation turns into a
// message naming the op.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace minirt::ir {

using AttributeValue = std::variant<int64_t, float, std::string, std::vector<int64_t>>;

class Attributes {
 public:
  void set(const std::string& name, AttributeValue value) { values_[name] = std::move(value); }

  int64_t get_int(const std::string& name) const;
  float get_float(const std::string& name) const;
  const std::string& get_string(const std::string& name) const;
  const std::vector<int64_t>& get_ints(const std::string& name) const;
  bool has(const std::string& name) const { return values_.contains(name); }
  int64_t get_int_or(const std::string& name, int64_t fallback) const {
    return has(name) ? get_int(name) : fallback;
  }
  float get_float_or(const std::string& name, float fallback) const {
    return has(name) ? get_float(name) : fallback;
  }

 private:
  template <typename T>
  const T& get(const std::string& name, const char* type_name) const;

  std::map<std::string, AttributeValue> values_;
};

}  // namespace minirt::ir
