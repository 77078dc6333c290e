#include "common/tensor_proto.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>

#include "common/proto_wire.h"

namespace minirt {
namespace {

// TensorProto field numbers (onnx.proto).
enum Field : uint32_t {
  kDims = 1,
  kDataType = 2,
  kFloatData = 4,
  kInt32Data = 5,
  kInt64Data = 7,
  kName = 8,
  kRawData = 9,
  kDoubleData = 10,
  kExternalData = 13,
  kDataLocation = 14,
};

// The typed repeated field that carries values of data_type when raw_data
// does not; 0 for a data type this reader does not accept.
uint32_t typed_field_for(int32_t data_type) {
  switch (data_type) {
    case TensorProto::kFloat:
      return kFloatData;
    case TensorProto::kInt32:
    case TensorProto::kInt8:  // int32_data holds the narrower types too
    case TensorProto::kUInt8:
    case TensorProto::kBool:
      return kInt32Data;
    case TensorProto::kInt64:
      return kInt64Data;
    case TensorProto::kDouble:
      return kDoubleData;
    default:
      return 0;
  }
}

[[noreturn]] void fail(const TensorProto& tensor, const std::string& what);

// Appends the values in field (raw_data, or the typed field of data_type) to
// tensor. raw_data holds fixed-size little-endian values; int32_data and
// int64_data hold varints.
void append_values(const ProtoField& field, TensorProto& tensor) {
  const bool raw = field.number == kRawData;
  auto add_int32 = [&](uint64_t v) { tensor.i64.push_back(static_cast<int32_t>(v)); };
  auto add_int64 = [&](uint64_t v) { tensor.i64.push_back(static_cast<int64_t>(v)); };
  switch (tensor.data_type) {
    case TensorProto::kFloat:
      for_each_fixed32(field,
                       [&](uint32_t bits) { tensor.f32.push_back(std::bit_cast<float>(bits)); });
      return;
    case TensorProto::kDouble:
      for_each_fixed64(field, [&](uint64_t bits) {
        tensor.f32.push_back(static_cast<float>(std::bit_cast<double>(bits)));
      });
      return;
    case TensorProto::kBool:
      if (raw) {
        for (uint8_t byte : field.bytes) tensor.i64.push_back(byte != 0);
      } else {
        for_each_varint(field, add_int32);
      }
      return;
    case TensorProto::kInt8:
    case TensorProto::kUInt8: {
      const bool is_signed = tensor.data_type == TensorProto::kInt8;
      if (raw) {
        for (uint8_t byte : field.bytes)
          tensor.i64.push_back(is_signed ? int64_t{static_cast<int8_t>(byte)} : int64_t{byte});
      } else {
        for_each_varint(field, [&](uint64_t v) {
          const int32_t value = static_cast<int32_t>(v);
          if (value < (is_signed ? -128 : 0) || value > (is_signed ? 127 : 255))
            fail(tensor, "value " + std::to_string(value) + " out of range for " +
                             (is_signed ? "int8" : "uint8"));
          tensor.i64.push_back(value);
        });
      }
      return;
    }
    case TensorProto::kInt32:
      if (raw) {
        for_each_fixed32(field, add_int32);
      } else {
        for_each_varint(field, add_int32);
      }
      return;
    case TensorProto::kInt64:
      if (raw) {
        for_each_fixed64(field, add_int64);
      } else {
        for_each_varint(field, add_int64);
      }
      return;
  }
}

void fail(const TensorProto& tensor, const std::string& what) {
  throw std::runtime_error("TensorProto '" + tensor.name + "': " + what);
}

uint64_t parse_external_number(const TensorProto& tensor, const std::string& key,
                               const std::string& text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    fail(tensor, "external_data " + key + " '" + text + "' is not a number");
  }
  return value;
}

// One StringStringEntryProto (key = 1, value = 2) of external_data.
void read_external_entry(std::span<const uint8_t> bytes, TensorProto& tensor) {
  std::string key, value;
  ProtoReader reader(bytes);
  ProtoField field;
  while (reader.next(field)) {
    if (field.number != 1 && field.number != 2) continue;
    expect_wire_type(field, WireType::kLengthDelimited);
    (field.number == 1 ? key : value).assign(field.bytes.begin(), field.bytes.end());
  }
  // (Not emplace(): clang sees the nested struct's default member
  // initializers as incomplete there and finds it not default-constructible.)
  if (!tensor.external) tensor.external = TensorProto::External{};
  TensorProto::External& external = *tensor.external;
  if (key == "location") {
    external.location = value;
  } else if (key == "offset") {
    external.offset = parse_external_number(tensor, key, value);
  } else if (key == "length") {
    const uint64_t length = parse_external_number(tensor, key, value);
    if (length > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      fail(tensor, "external_data length " + value + " is too large");
    }
    external.length = static_cast<int64_t>(length);
  }  // "checksum" and others: nothing to check against
}

}  // namespace

int64_t TensorProto::element_count() const {
  int64_t count = 1;
  for (int64_t dim : dims) {
    if (dim < 0) fail(*this, "negative dim");
    if (dim != 0 && count > std::numeric_limits<int64_t>::max() / dim) {
      fail(*this, "element count overflows");
    }
    count *= dim;
  }
  return count;
}

std::string TensorProto::shape_string() const {
  std::string text = "[";
  for (size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

TensorProto parse_tensor_proto(std::span<const uint8_t> bytes) {
  TensorProto tensor;
  // Values may come before data_type says how to read them, so keep their
  // fields (slices of bytes) and decode once the whole message is read.
  ProtoField raw_data;  // number stays 0 when absent
  bool external_location = false;
  std::vector<ProtoField> typed_data;
  ProtoReader reader(bytes);
  ProtoField field;
  while (reader.next(field)) {
    switch (field.number) {
      case kDims:
        for_each_varint(field,
                        [&](uint64_t dim) { tensor.dims.push_back(static_cast<int64_t>(dim)); });
        break;
      case kDataType:
        expect_wire_type(field, WireType::kVarint);
        tensor.data_type = static_cast<int32_t>(field.scalar);
        break;
      case kName:
        expect_wire_type(field, WireType::kLengthDelimited);
        tensor.name.assign(field.bytes.begin(), field.bytes.end());
        break;
      case kRawData:  // a bytes field: the last one wins
        expect_wire_type(field, WireType::kLengthDelimited);
        raw_data = field;
        break;
      case kFloatData:
      case kInt32Data:
      case kInt64Data:
      case kDoubleData:
        typed_data.push_back(field);
        break;
      case kExternalData:
        expect_wire_type(field, WireType::kLengthDelimited);
        read_external_entry(field.bytes, tensor);
        break;
      case kDataLocation:
        expect_wire_type(field, WireType::kVarint);
        if (field.scalar > 1) fail(tensor, "unknown data_location " + std::to_string(field.scalar));
        external_location = field.scalar == 1;
        break;
      default:  // doc_string, segment, ...: nothing this reader needs
        break;
    }
  }

  const uint32_t typed_field = typed_field_for(tensor.data_type);
  if (typed_field == 0) {
    fail(tensor, "data_type " + std::to_string(tensor.data_type) +
                     " not supported (FLOAT=1, UINT8=2, INT8=3, INT32=6, INT64=7, BOOL=9, "
                     "DOUBLE=11 only)");
  }
  if (external_location != tensor.external.has_value()) {
    fail(tensor, external_location ? "data_location is EXTERNAL but external_data is missing"
                                   : "external_data without data_location EXTERNAL");
  }
  if (tensor.external) {
    if (tensor.external->location.empty()) fail(tensor, "external_data has no location");
    if (raw_data.number != 0 || !typed_data.empty()) fail(tensor, "external and inline values");
    tensor.element_count();  // checks the dims
    return tensor;
  }
  for (const ProtoField& data : typed_data) {
    if (data.number != typed_field) {
      fail(tensor, "field " + std::to_string(data.number) + " holds values, but data_type " +
                       std::to_string(tensor.data_type) + " keeps them in field " +
                       std::to_string(typed_field) + " or raw_data");
    }
  }
  if (raw_data.number != 0 && !typed_data.empty()) {
    fail(tensor, "values in both raw_data and field " + std::to_string(typed_field));
  }

  const int64_t count = tensor.element_count();
  // Never more than the message could hold, so bogus dims cannot exhaust memory.
  const size_t capacity = std::min(static_cast<uint64_t>(count), uint64_t{bytes.size()});
  if (tensor.data_type == TensorProto::kFloat || tensor.data_type == TensorProto::kDouble) {
    tensor.f32.reserve(capacity);
  } else {
    tensor.i64.reserve(capacity);
  }
  if (raw_data.number != 0) append_values(raw_data, tensor);
  for (const ProtoField& data : typed_data) append_values(data, tensor);
  const size_t values = tensor.f32.size() + tensor.i64.size();
  if (values != static_cast<size_t>(count)) {
    fail(tensor, std::to_string(values) + " values for dims " + tensor.shape_string() + " (" +
                     std::to_string(count) + " elements)");
  }
  return tensor;
}

TensorProto read_tensor_proto_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(path + ": cannot open");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                                   std::istreambuf_iterator<char>());
  if (file.bad()) throw std::runtime_error(path + ": read error");
  try {
    return parse_tensor_proto(bytes);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

}  // namespace minirt
