// A minimal reader of the protobuf wire format, enough for ONNX files.
//
// It walks a byte span in place and never copies it, so a model file of
// hundreds of MB can be read straight from an mmap. Every read is bounds
// checked; malformed input throws std::runtime_error saying what and where.
//
// Wire format: a message is a sequence of fields, each a varint key
// (field_number << 3 | wire_type) followed by the value: a varint (0), 8
// little-endian bytes (1), a varint length and that many bytes (2), or 4
// little-endian bytes (5). Groups (3, 4) are obsolete and rejected.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>

namespace minirt {

enum class WireType : uint8_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

const char* wire_type_name(WireType type);

struct ProtoField {
  uint32_t number = 0;
  WireType wire_type = WireType::kVarint;
  // kVarint: the value; kFixed64 / kFixed32: the raw little-endian bits.
  uint64_t scalar = 0;
  // kLengthDelimited: the payload (a string, bytes, message or packed array).
  std::span<const uint8_t> bytes;
};

class ProtoReader {
 public:
  explicit ProtoReader(std::span<const uint8_t> data) : data_(data) {}

  bool at_end() const { return pos_ == data_.size(); }
  // Reads the next field into `field`; false at the end of the data.
  bool next(ProtoField& field);

  // Defined below, inline: they run once per value of a packed array.
  uint64_t read_varint();
  uint32_t read_fixed32();  // little-endian, whatever the host
  uint64_t read_fixed64();
  std::span<const uint8_t> read_bytes(uint64_t count);

 private:
  [[noreturn]] void fail(const std::string& what) const;

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

inline uint64_t ProtoReader::read_varint() {
  uint64_t value = 0;
  // 7 bits a byte, low first; the 10th byte holds only bit 63, so it ends there.
  for (int shift = 0;; shift += 7) {
    if (pos_ == data_.size()) fail("truncated varint");
    const uint8_t byte = data_[pos_++];
    if (shift == 63 && byte > 1) fail("varint longer than 64 bits");
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
}

inline std::span<const uint8_t> ProtoReader::read_bytes(uint64_t count) {
  if (count > data_.size() - pos_) fail("field runs past the end of the data");
  const std::span<const uint8_t> bytes = data_.subspan(pos_, count);
  pos_ += count;
  return bytes;
}

inline uint32_t ProtoReader::read_fixed32() {
  const std::span<const uint8_t> b = read_bytes(4);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

inline uint64_t ProtoReader::read_fixed64() {
  const uint64_t low = read_fixed32();
  return uint64_t{read_fixed32()} << 32 | low;
}

// Throws unless field has the wire type its schema declares.
void expect_wire_type(const ProtoField& field, WireType expected);

namespace proto_detail {

// Throws unless field is `scalar` or packed, and a packed payload of
// fixed-size values holds whole values.
void check_repeated(const ProtoField& field, WireType scalar, size_t fixed_size);

template <typename Read, typename Fn>
void for_each_repeated(const ProtoField& field, WireType scalar, size_t fixed_size, Read read,
                       Fn& fn) {
  check_repeated(field, scalar, fixed_size);
  if (field.wire_type == scalar) {
    using Value = decltype(read(std::declval<ProtoReader&>()));
    fn(static_cast<Value>(field.scalar));
    return;
  }
  ProtoReader packed(field.bytes);
  while (!packed.at_end()) fn(read(packed));
}

}  // namespace proto_detail

// A repeated scalar field arrives either packed (one length-delimited field
// holding every value) or as one field per value. These accept both and call
// fn(value) for each value in order: uint64_t for varints (an int32/int64
// field is its two's complement), the raw bits for fixed-size values.
template <typename Fn>
void for_each_varint(const ProtoField& field, Fn&& fn) {
  proto_detail::for_each_repeated(
      field, WireType::kVarint, 0, [](ProtoReader& r) { return r.read_varint(); }, fn);
}

template <typename Fn>
void for_each_fixed32(const ProtoField& field, Fn&& fn) {
  proto_detail::for_each_repeated(
      field, WireType::kFixed32, 4, [](ProtoReader& r) { return r.read_fixed32(); }, fn);
}

template <typename Fn>
void for_each_fixed64(const ProtoField& field, Fn&& fn) {
  proto_detail::for_each_repeated(
      field, WireType::kFixed64, 8, [](ProtoReader& r) { return r.read_fixed64(); }, fn);
}

}  // namespace minirt
