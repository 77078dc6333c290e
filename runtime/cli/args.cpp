#include "runtime/cli/args.h"

#include <cstdlib>

#include "minirt/minirt.h"

namespace minirt::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& value_flags,
           const std::set<std::string>& switches) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg.rfind("--", 0) != 0) {
      positional_.push_back(arg);
    } else if (switches.count(arg)) {
      switches_.insert(arg);
    } else if (value_flags.count(arg)) {
      if (i + 1 >= argv.size()) throw Error(arg + " needs a value");
      values_[arg] = argv[++i];
    } else {
      throw Error("unknown option " + arg);
    }
  }
}

bool Args::has(const std::string& flag) const {
  return switches_.count(flag) || values_.count(flag);
}

std::string Args::str(const std::string& flag, const std::string& fallback) const {
  auto it = values_.find(flag);
  return it == values_.end() ? fallback : it->second;
}

long long Args::integer(const std::string& flag, long long fallback, long long min,
                        long long max) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return fallback;
  char* end = nullptr;
  const long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || *end != '\0' || v < min || v > max)
    throw Error(flag + " must be an integer in " + std::to_string(min) + ".." +
                std::to_string(max) + ", got '" + it->second + "'");
  return v;
}

double Args::real(const std::string& flag, double fallback) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return fallback;
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  if (end == it->second.c_str() || *end != '\0' || !(v > 0))
    throw Error(flag + " must be a positive number, got '" + it->second + "'");
  return v;
}

bool bf16_attention_flag(const Args& args) { return !args.has("--fp32-attention"); }

Precision precision_flag(const Args& args) {
  const std::string name = args.str("--precision", "fp32");
  Precision precision;
  if (!precision_from_name(name, &precision))
    throw Error("--precision must be fp32, bf16 or int8, got '" + name + "'");
  return precision;
}

Device device_flag(const Args& args) {
  const std::string name = args.str("--device", "cpu");
  if (name == "cpu") return Device::kCpu;
  if (name == "cuda") return Device::kCuda;
  throw Error("--device must be cpu or cuda, got '" + name + "'");
}

}  // namespace minirt::cli
