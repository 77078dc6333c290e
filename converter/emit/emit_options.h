// What the .fb file records besides the graph itself.
#pragma once

#include <cstdint>
#include <string>

namespace minirt::converter {

inline constexpr const char* kProducer = "minirt-convert 0.1.0";

struct EmitOptions {
  std::string source;     // e.g. "hf:models/bert-tiny"
  int32_t max_batch = 0;  // sizes the runtime plans its arena for; both >= 1
  int32_t max_seq = 0;
  int32_t max_tokens = 0;  // the token budget of padding-free runs (>= 1)
};

}  // namespace minirt::converter
