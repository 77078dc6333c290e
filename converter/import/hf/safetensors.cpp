#include "converter/import/hf/safetensors.h"

#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "runtime/model/mapped_file.h"

namespace minirt::converter::hf {

namespace {

using nlohmann::json;

// The safetensors spec caps the header at 100 MB. Parsed, a JSON value costs
// up to about 40 times its text, so we also cap the values: a BERT header
// holds a few thousand (about ten per tensor); 2^18 parse within ~40 MB.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr size_t kMaxHeaderValues = size_t{1} << 18;

// Bytes per element of each dtype the safetensors format defines; 0 if unknown.
uint64_t element_size(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "BOOL" || dtype == "U8" || dtype == "I8" || dtype == "F8_E4M3" || dtype == "F8_E5M2")
    return 1;
  return 0;
}

class EntryParser {
 public:
  EntryParser(const std::string& file, const std::string& name)
      : prefix_(file + ": tensor '" + name + "': ") {}

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(prefix_ + what);
  }

  uint64_t non_negative(const json& j, const char* what) const {
    if (!j.is_number_unsigned()) fail(std::string(what) + " must be a non-negative integer");
    return j.get<uint64_t>();
  }

  const json& field(const json& entry, const char* key) const {
    auto it = entry.find(key);
    if (it == entry.end()) fail(std::string("missing \"") + key + "\"");
    return *it;
  }

 private:
  std::string prefix_;
};

Tensor parse_entry(const std::shared_ptr<const MappedFile>& file, const std::string& name,
                   const json& entry, std::span<const uint8_t> data) {
  EntryParser p(file->path(), name);
  if (!entry.is_object()) p.fail("entry must be a JSON object");

  const json& dtype = p.field(entry, "dtype");
  if (!dtype.is_string()) p.fail("\"dtype\" must be a string");
  Tensor t;
  t.dtype = dtype.get<std::string>();
  const uint64_t elem_size = element_size(t.dtype);
  if (elem_size == 0) p.fail("unknown dtype " + t.dtype);

  const json& shape = p.field(entry, "shape");
  if (!shape.is_array()) p.fail("\"shape\" must be an array");
  // Count bytes as we go, bounded by the data size so nothing overflows.
  uint64_t bytes = elem_size;
  for (const json& d : shape) {
    const uint64_t dim = p.non_negative(d, "every shape dim");
    if (dim > static_cast<uint64_t>(INT64_MAX)) p.fail("shape dim too large");
    t.shape.push_back(static_cast<int64_t>(dim));
    if (dim != 0 && bytes > data.size() / dim)
      bytes = data.size() + 1;
    else
      bytes *= dim;
  }

  const json& offsets = p.field(entry, "data_offsets");
  if (!offsets.is_array() || offsets.size() != 2) p.fail("\"data_offsets\" must be [begin, end]");
  const uint64_t begin = p.non_negative(offsets[0], "data_offsets");
  const uint64_t end = p.non_negative(offsets[1], "data_offsets");
  if (begin > end)
    p.fail("data_offsets begin " + std::to_string(begin) + " > end " + std::to_string(end));
  if (end > data.size()) {
    p.fail("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
           "] run past the end of the data (" + std::to_string(data.size()) +
           " bytes); the file may be truncated");
  }
  if (end - begin != bytes) {
    p.fail("data_offsets cover " + std::to_string(end - begin) + " bytes but " + t.dtype + " " +
           shape_string(t.shape) + " needs " +
           (bytes > data.size() ? std::string("more than the file holds") : std::to_string(bytes)));
  }
  t.bytes = ir::WeightBytes::view(file, data.subspan(begin, end - begin));
  return t;
}

}  // namespace

TensorSet read_safetensors(const std::filesystem::path& path) {
  auto file = std::make_shared<const MappedFile>(path.string());
  const std::string where = path.string();
  std::span<const uint8_t> bytes = file->bytes();
  if (bytes.size() < 8) {
    throw std::runtime_error(where + ": too short for a safetensors file (" +
                             std::to_string(bytes.size()) + " bytes)");
  }
  uint64_t header_size;
  std::memcpy(&header_size, bytes.data(), 8);
  if (header_size > kMaxHeaderBytes || header_size > bytes.size() - 8) {
    throw std::runtime_error(where + ": header length " + std::to_string(header_size) +
                             " exceeds the file size (" + std::to_string(bytes.size()) +
                             " bytes); not a safetensors file or truncated");
  }
  const auto* header_begin = reinterpret_cast<const char*>(bytes.data() + 8);
  size_t values = 0;
  auto count_values = [&](int, json::parse_event_t event, json&) {
    if (event == json::parse_event_t::value || event == json::parse_event_t::object_start ||
        event == json::parse_event_t::array_start) {
      if (++values > kMaxHeaderValues)
        throw std::runtime_error(where + ": JSON header holds more than " +
                                 std::to_string(kMaxHeaderValues) +
                                 " values (the reader's limit; a BERT's holds a few thousand)");
    }
    return true;
  };
  json header;
  try {
    header = json::parse(header_begin, header_begin + header_size, count_values);
  } catch (const json::exception& e) {  // parse_error, or out_of_range for a number like 1e999
    throw std::runtime_error(where + ": invalid JSON header: " + e.what());
  }
  if (!header.is_object()) throw std::runtime_error(where + ": JSON header must be an object");

  std::span<const uint8_t> data = bytes.subspan(8 + header_size);
  TensorSet set(where);
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") continue;
    set.add(name, parse_entry(file, name, entry, data));
  }
  return set;
}

}  // namespace minirt::converter::hf
