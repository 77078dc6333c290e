#include "serve/http_infer_decode.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <nlohmann/json.hpp>

namespace minirt::serve {

namespace {

using nlohmann::json;

// The request's malformed parts are thrown as this inside the decoder and
// returned as kInvalidArgument.
struct BadRequest {
  std::string message;
};

// A JSON value as an error message shows it: scalars as written, containers
// and strings by their type (a request controls their size and nesting, and
// dumping them would recurse as deep as it nests).
std::string describe(const json& value) {
  if (value.is_number() || value.is_boolean() || value.is_null()) return value.dump();
  const std::string type = value.type_name();
  return (type == "object" || type == "array" ? "an " : "a ") + type;
}

// Appends every leaf of a (possibly nested) JSON array of integers. Nesting
// deeper than a [batch, seq] tensor could need is refused, not recursed into.
void flatten_int64(const json& data, const std::string& name, std::vector<int64_t>& out,
                   int depth = 0) {
  if (data.is_array()) {
    if (depth == 4) throw BadRequest{"input '" + name + "' data nests arrays too deeply"};
    for (const json& item : data) flatten_int64(item, name, out, depth + 1);
  } else if (data.is_number_integer()) {
    out.push_back(data.get<int64_t>());
  } else {
    throw BadRequest{"input '" + name + "' data holds " + describe(data) + ", not an INT64 value"};
  }
}

// The same for BYTES data: a (possibly nested) array of strings.
void flatten_strings(const json& data, const std::string& name, std::vector<std::string>& out,
                     int depth = 0) {
  if (data.is_array()) {
    if (depth == 4) throw BadRequest{"input '" + name + "' data nests arrays too deeply"};
    for (const json& item : data) flatten_strings(item, name, out, depth + 1);
  } else if (data.is_string()) {
    out.push_back(data.get<std::string>());
  } else {
    throw BadRequest{"input '" + name + "' data holds " + describe(data) + ", not a BYTES string"};
  }
}

const json* find_key(const json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const json* parameter(const json& object, const char* key) {
  const json* params = find_key(object, "parameters");
  if (params == nullptr) return nullptr;
  if (!params->is_object()) throw BadRequest{"'parameters' must be an object"};
  return find_key(*params, key);
}

// A parameter read as a bool or an unsigned integer; the JSON type is checked.
bool bool_parameter(const json& object, const char* key) {
  const json* value = parameter(object, key);
  if (value == nullptr) return false;
  if (!value->is_boolean()) throw BadRequest{std::string("parameter '") + key + "' must be a bool"};
  return value->get<bool>();
}

const json* integer_parameter(const json& object, const char* key) {
  const json* value = parameter(object, key);
  if (value != nullptr && !value->is_number_unsigned())
    throw BadRequest{std::string("parameter '") + key + "' must be a non-negative integer"};
  return value;
}

std::string string_field(const json& object, const char* key, bool required) {
  const json* value = find_key(object, key);
  if (value == nullptr) {
    if (required) throw BadRequest{std::string("missing '") + key + "'"};
    return "";
  }
  if (!value->is_string()) throw BadRequest{std::string("'") + key + "' must be a string"};
  return value->get<std::string>();
}

// The body's JSON header and binary part (empty without the extension).
std::pair<json, std::string_view> split_body(std::string_view body,
                                             const std::string* header_length) {
  std::string_view text = body, binary;
  if (header_length != nullptr) {
    const std::string& field = *header_length;
    size_t n = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), n);
    if (error != std::errc() || end != field.data() + field.size() || n > body.size())
      throw BadRequest{std::string(kHeaderLengthField) + " is '" + field + "' for a body of " +
                       std::to_string(body.size()) + " bytes"};
    text = body.substr(0, n);
    binary = body.substr(n);
  }
  json header;
  try {
    header = json::parse(text);
  } catch (const json::exception& e) {
    throw BadRequest{std::string("malformed JSON: ") + e.what()};
  }
  if (!header.is_object()) throw BadRequest{"the request body must be a JSON object"};
  return {std::move(header), binary};
}

RawInput decode_input(const json& in, std::string_view binary_part, size_t& binary_offset) {
  if (!in.is_object()) throw BadRequest{"each input must be an object"};
  RawInput raw;
  raw.name = string_field(in, "name", true);
  raw.datatype = string_field(in, "datatype", true);
  const json* shape = find_key(in, "shape");
  if (shape == nullptr || !shape->is_array())
    throw BadRequest{"input '" + raw.name + "' needs a 'shape' array"};
  for (const json& d : *shape) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0)
      throw BadRequest{"input '" + raw.name + "' shape holds " + describe(d)};
    raw.shape.push_back(d.get<int64_t>());
  }
  const json* binary_size = integer_parameter(in, "binary_data_size");
  const json* data = find_key(in, "data");
  if ((binary_size != nullptr) == (data != nullptr))
    throw BadRequest{"input '" + raw.name +
                     "' needs exactly one of 'data' and parameters.binary_data_size"};
  // Binary data: this input's bytes follow the previous inputs'.
  std::string_view binary;
  if (binary_size != nullptr) {
    const uint64_t n = binary_size->get<uint64_t>();
    const size_t left = binary_part.size() - binary_offset;
    if (n > left)
      throw BadRequest{"input '" + raw.name + "' binary_data_size " + std::to_string(n) +
                       " does not fit the " + std::to_string(left) + " binary bytes left"};
    binary = binary_part.substr(binary_offset, n);
    binary_offset += n;
  }
  if (raw.datatype == "INT64") {
    if (data != nullptr) {
      flatten_int64(*data, raw.name, raw.values);
    } else {
      if (binary.size() % sizeof(int64_t) != 0)
        throw BadRequest{"input '" + raw.name + "' binary_data_size " +
                         std::to_string(binary.size()) + " is not a multiple of 8"};
      raw.values.resize(binary.size() / sizeof(int64_t));
      if (!binary.empty()) std::memcpy(raw.values.data(), binary.data(), binary.size());
    }
  } else if (raw.datatype == "BYTES") {
    if (data != nullptr)
      flatten_strings(*data, raw.name, raw.texts);
    else if (const Status split = split_bytes_elements(binary, raw.name, &raw.texts); !split.ok())
      throw BadRequest{split.message};
  }
  return raw;
}

void decode(std::string_view body, const std::string* header_length, HttpInferRequest* out) {
  const auto [h, binary_part] = split_body(body, header_length);
  const json* inputs = find_key(h, "inputs");
  if (inputs == nullptr || !inputs->is_array()) throw BadRequest{"'inputs' must be an array"};
  size_t binary_offset = 0;
  for (const json& in : *inputs)
    out->call.inputs.push_back(decode_input(in, binary_part, binary_offset));
  if (binary_offset != binary_part.size())
    throw BadRequest{std::to_string(binary_part.size() - binary_offset) +
                     " binary bytes follow the inputs' data"};
  out->all_binary = bool_parameter(h, "binary_data_output");
  if (const json* outputs = find_key(h, "outputs")) {
    if (!outputs->is_array()) throw BadRequest{"'outputs' must be an array"};
    for (const json& o : *outputs) {
      if (!o.is_object()) throw BadRequest{"each requested output must be an object"};
      const std::string name = string_field(o, "name", true);
      if (bool_parameter(o, "binary_data")) out->binary_outputs.push_back(name);
      out->call.requested_outputs.push_back(name);
    }
  }
  if (find_key(h, "id") != nullptr) out->id = string_field(h, "id", true);
  // The Triton convention: parameters.timeout in microseconds.
  if (const json* timeout = integer_parameter(h, "timeout"))
    out->call.deadline = Clock::now() + std::chrono::microseconds(std::min<uint64_t>(
                                            timeout->get<uint64_t>(), 3600'000'000));
}

}  // namespace

bool HttpInferRequest::wants_binary(const std::string& output) const {
  return all_binary ||
         std::find(binary_outputs.begin(), binary_outputs.end(), output) != binary_outputs.end();
}

Status decode_http_infer(std::string_view body, const std::string* header_length,
                         std::string model_name, HttpInferRequest* out) {
  *out = HttpInferRequest{};
  out->call.model_name = std::move(model_name);
  try {
    decode(body, header_length, out);
  } catch (const BadRequest& e) {
    return {StatusCode::kInvalidArgument, e.message};
  }
  return {};
}

}  // namespace minirt::serve
