// Command-line flags: `--name value` pairs and bare `--switch`es, each
// checked against the set a command accepts.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "minirt/minirt.h"

namespace minirt::cli {

class Args {
 public:
  // argv after the command word. value_flags take a value; switches don't.
  Args(const std::vector<std::string>& argv, const std::set<std::string>& value_flags,
       const std::set<std::string>& switches);

  const std::vector<std::string>& positional() const { return positional_; }
  bool has(const std::string& flag) const;
  std::string str(const std::string& flag, const std::string& fallback) const;
  // Parses an integer in [min, max]; the error names the flag.
  long long integer(const std::string& flag, long long fallback, long long min,
                    long long max) const;
  double real(const std::string& flag, double fallback) const;

 private:
  std::vector<std::string> positional_;
  std::map<std::string, std::string> values_;
  std::set<std::string> switches_;
};

// --precision fp32|bf16|int8 (default fp32); anything else is an error naming them.
Precision precision_flag(const Args& args);

// SessionOptions::bf16_attention: on unless --fp32-attention is given.
bool bf16_attention_flag(const Args& args);
// --device cpu|cuda (default cpu); anything else is an error naming them.
Device device_flag(const Args& args);

}  // namespace minirt::cli
