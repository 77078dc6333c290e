// Encodes the protobuf wire format by hand, independently of the reader
// under test: TensorProto and ONNX model messages for the tests.
#pragma once

#include <bit>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/proto_wire.h"

namespace minirt::test {

using Bytes = std::vector<uint8_t>;

class ProtoWriter {
 public:
  ProtoWriter& varint(uint32_t field, uint64_t value) {
    key(field, WireType::kVarint);
    put_varint(value);
    return *this;
  }
  ProtoWriter& fixed32(uint32_t field, uint32_t bits) {
    key(field, WireType::kFixed32);
    put_le(bits, 4);
    return *this;
  }
  ProtoWriter& fixed64(uint32_t field, uint64_t bits) {
    key(field, WireType::kFixed64);
    put_le(bits, 8);
    return *this;
  }
  ProtoWriter& bytes(uint32_t field, const Bytes& payload) {
    key(field, WireType::kLengthDelimited);
    put_varint(payload.size());
    data.insert(data.end(), payload.begin(), payload.end());
    return *this;
  }
  ProtoWriter& string(uint32_t field, const std::string& text) {
    return bytes(field, Bytes(text.begin(), text.end()));
  }

  // Payloads of packed repeated fields and raw_data.
  static Bytes varints(std::initializer_list<uint64_t> values) {
    ProtoWriter w;
    for (uint64_t v : values) w.put_varint(v);
    return w.data;
  }
  template <typename T>
  static Bytes little_endian(std::initializer_list<T> values) {
    ProtoWriter w;
    for (T v : values) {
      if constexpr (sizeof(T) == 4) {
        w.put_le(std::bit_cast<uint32_t>(v), 4);
      } else {
        w.put_le(std::bit_cast<uint64_t>(v), 8);
      }
    }
    return w.data;
  }

  Bytes data;

 private:
  void key(uint32_t field, WireType type) {
    put_varint(uint64_t{field} << 3 | static_cast<uint64_t>(type));
  }
  void put_varint(uint64_t value) {
    for (; value >= 0x80; value >>= 7) data.push_back(static_cast<uint8_t>(value | 0x80));
    data.push_back(static_cast<uint8_t>(value));
  }
  void put_le(uint64_t bits, int size) {
    for (int i = 0; i < size; ++i) data.push_back(static_cast<uint8_t>(bits >> (8 * i)));
  }
};

}  // namespace minirt::test
