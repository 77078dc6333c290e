#include "common/proto_wire.h"

#include <stdexcept>
#include <string>

namespace minirt {

const char* wire_type_name(WireType type) {
  switch (type) {
    case WireType::kVarint:
      return "varint";
    case WireType::kFixed64:
      return "fixed64";
    case WireType::kLengthDelimited:
      return "length-delimited";
    case WireType::kFixed32:
      return "fixed32";
  }
  return "unknown";
}

void ProtoReader::fail(const std::string& what) const {
  throw std::runtime_error("protobuf: " + what + " at byte " + std::to_string(pos_) + " of " +
                           std::to_string(data_.size()));
}

bool ProtoReader::next(ProtoField& field) {
  if (at_end()) return false;
  const uint64_t key = read_varint();
  constexpr uint64_t kMaxFieldNumber = (1u << 29) - 1;
  if (key >> 3 == 0 || key >> 3 > kMaxFieldNumber) fail("invalid field number");
  field.number = static_cast<uint32_t>(key >> 3);
  field.wire_type = static_cast<WireType>(key & 7);
  field.scalar = 0;
  field.bytes = {};
  switch (field.wire_type) {
    case WireType::kVarint:
      field.scalar = read_varint();
      return true;
    case WireType::kFixed64:
      field.scalar = read_fixed64();
      return true;
    case WireType::kLengthDelimited:
      field.bytes = read_bytes(read_varint());
      return true;
    case WireType::kFixed32:
      field.scalar = read_fixed32();
      return true;
  }
  fail("unsupported wire type " + std::to_string(key & 7) + " in field " +
       std::to_string(field.number));
}

void expect_wire_type(const ProtoField& field, WireType expected) {
  if (field.wire_type != expected) {
    throw std::runtime_error("protobuf: field " + std::to_string(field.number) + " is " +
                             wire_type_name(field.wire_type) + ", expected " +
                             wire_type_name(expected));
  }
}

namespace proto_detail {

void check_repeated(const ProtoField& field, WireType scalar, size_t fixed_size) {
  if (field.wire_type == scalar) return;
  if (field.wire_type != WireType::kLengthDelimited) {
    throw std::runtime_error("protobuf: repeated field " + std::to_string(field.number) + " is " +
                             wire_type_name(field.wire_type) + ", expected " +
                             wire_type_name(scalar) + " or packed");
  }
  if (fixed_size != 0 && field.bytes.size() % fixed_size != 0) {
    throw std::runtime_error("protobuf: packed field " + std::to_string(field.number) + " has " +
                             std::to_string(field.bytes.size()) + " bytes, not a multiple of " +
                             std::to_string(fixed_size));
  }
}

}  // namespace proto_detail

}  // namespace minirt
