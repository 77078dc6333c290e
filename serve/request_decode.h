// Checks a request's input tensors against a model and turns them into
// tokens, the same way for HTTP and gRPC: names, datatypes, shapes (padded
// [B,S] or 1-D [S]: one sequence), sizes against the model's max batch and
// seq, and every value against the input's bounds (ids under the vocabulary,
// the mask 0/1), so a batch never fails for one request's data. A model with
// a tokenizer also takes text: BYTES "text" [N] (and "text_pair" [N]), one
// sequence per element, tokenized here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "serve/inference.h"
#include "serve/model_repository.h"

namespace minirt::serve {

// One input tensor as a front end decoded it.
struct RawInput {
  std::string name;
  std::string datatype;  // "INT64", "BYTES", ...
  std::vector<int64_t> shape;
  std::vector<int64_t> values;     // the data when datatype is INT64
  std::vector<std::string> texts;  // the data when datatype is BYTES
};

// The BYTES inputs a model with a tokenizer takes, instead of token ids.
inline constexpr const char* kTextInput = "text";
inline constexpr const char* kTextPairInput = "text_pair";

// Fills `tokens` or returns kInvalidArgument naming the input at fault.
Status decode_tokens(const ServedModel& model, std::vector<RawInput>& inputs, TokenBlock* tokens);

// BYTES tensor data in binary (HTTP's binary extension, gRPC's raw contents):
// each element a 4-byte little-endian length, then its bytes. Appends the
// elements to `out`, or returns kInvalidArgument naming the input.
Status split_bytes_elements(std::string_view bytes, const std::string& name,
                            std::vector<std::string>* out);

// kInvalidArgument naming the first name that is not an output of the model.
Status check_requested_outputs(const ServedModel& model, const std::vector<std::string>& names);

// The number of elements of a shape, or -1 when a dim is negative or the
// product passes `limit`.
int64_t element_count(const std::vector<int64_t>& shape, int64_t limit);

}  // namespace minirt::serve
