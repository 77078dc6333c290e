#include "common/tensor_proto.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/proto_wire.h"
#include "tests/unit/proto_writer.h"

namespace minirt {
namespace {

using test::Bytes;
using test::ProtoWriter;

// TensorProto field numbers, as in onnx.proto.
constexpr uint32_t kDims = 1, kDataType = 2, kFloatData = 4, kInt32Data = 5, kInt64Data = 7,
                   kName = 8, kRawData = 9, kDoubleData = 10, kDocString = 12, kExternalData = 13,
                   kDataLocation = 14;

uint64_t twos_complement(int64_t value) { return static_cast<uint64_t>(value); }

TEST_CASE("parse_tensor_proto reads unpacked dims and packed float_data") {
  const Bytes message =
      ProtoWriter()
          .varint(kDims, 2)
          .varint(kDims, 3)
          .varint(kDataType, TensorProto::kFloat)
          .bytes(kFloatData,
                 ProtoWriter::little_endian<float>({1.5f, -2.0f, 0.0f, 3.25f, 1e-30f, -7.0f}))
          .string(kName, "weight")
          .data;
  const TensorProto t = parse_tensor_proto(message);
  CHECK(t.name == "weight");
  CHECK(t.data_type == TensorProto::kFloat);
  CHECK(t.dims == std::vector<int64_t>{2, 3});
  CHECK(t.shape_string() == "[2, 3]");
  CHECK(t.element_count() == 6);
  CHECK(t.f32 == std::vector<float>{1.5f, -2.0f, 0.0f, 3.25f, 1e-30f, -7.0f});
  CHECK(t.i64.empty());
}

TEST_CASE("parse_tensor_proto reads packed dims and raw_data of every data type") {
  auto message = [](int32_t data_type, const Bytes& raw) {
    return ProtoWriter()
        .bytes(kDims, ProtoWriter::varints({1, 3}))
        .varint(kDataType, data_type)
        .bytes(kRawData, raw)
        .data;
  };
  const TensorProto f = parse_tensor_proto(
      message(TensorProto::kFloat, ProtoWriter::little_endian<float>({0.5f, -1.0f, 1e10f})));
  CHECK(f.dims == std::vector<int64_t>{1, 3});
  CHECK(f.f32 == std::vector<float>{0.5f, -1.0f, 1e10f});
  const TensorProto d = parse_tensor_proto(
      message(TensorProto::kDouble, ProtoWriter::little_endian<double>({0.1, -2.0, 1e300})));
  CHECK(d.f32 == std::vector<float>{0.1f, -2.0f, INFINITY});
  const TensorProto i32 = parse_tensor_proto(
      message(TensorProto::kInt32, ProtoWriter::little_endian<int32_t>({7, -1, INT32_MIN})));
  CHECK(i32.i64 == std::vector<int64_t>{7, -1, INT32_MIN});
  const TensorProto i64 = parse_tensor_proto(
      message(TensorProto::kInt64, ProtoWriter::little_endian<int64_t>({7, -1, INT64_MIN})));
  CHECK(i64.i64 == std::vector<int64_t>{7, -1, INT64_MIN});
  const TensorProto i8 = parse_tensor_proto(message(TensorProto::kInt8, Bytes{0x80, 0xff, 0x7f}));
  CHECK(i8.i64 == std::vector<int64_t>{-128, -1, 127});
  const TensorProto u8 = parse_tensor_proto(message(TensorProto::kUInt8, Bytes{0x80, 0xff, 0x7f}));
  CHECK(u8.i64 == std::vector<int64_t>{128, 255, 127});
}

TEST_CASE("parse_tensor_proto reads typed fields, packed or one value per field") {
  SUBCASE("float_data unpacked") {
    const TensorProto t =
        parse_tensor_proto(ProtoWriter()
                               .varint(kDims, 2)
                               .varint(kDataType, TensorProto::kFloat)
                               .fixed32(kFloatData, std::bit_cast<uint32_t>(4.0f))
                               .fixed32(kFloatData, std::bit_cast<uint32_t>(-0.5f))
                               .data);
    CHECK(t.f32 == std::vector<float>{4.0f, -0.5f});
  }
  SUBCASE("int64_data, negative values as 10-byte varints") {
    const TensorProto t = parse_tensor_proto(
        ProtoWriter()
            .varint(kDims, 3)
            .varint(kDataType, TensorProto::kInt64)
            .bytes(kInt64Data, ProtoWriter::varints({0, twos_complement(-5), 1ull << 40}))
            .data);
    CHECK(t.i64 == std::vector<int64_t>{0, -5, int64_t{1} << 40});
  }
  SUBCASE("int32_data unpacked") {
    const TensorProto t = parse_tensor_proto(ProtoWriter()
                                                 .varint(kDims, 2)
                                                 .varint(kDataType, TensorProto::kInt32)
                                                 .varint(kInt32Data, twos_complement(-3))
                                                 .varint(kInt32Data, 300)
                                                 .data);
    CHECK(t.i64 == std::vector<int64_t>{-3, 300});
  }
  SUBCASE("int8 and uint8 in int32_data, range-checked") {
    const TensorProto i8 = parse_tensor_proto(
        ProtoWriter()
            .varint(kDims, 2)
            .varint(kDataType, TensorProto::kInt8)
            .bytes(kInt32Data, ProtoWriter::varints({twos_complement(-128), 127}))
            .data);
    CHECK(i8.i64 == std::vector<int64_t>{-128, 127});
    const TensorProto u8 = parse_tensor_proto(ProtoWriter()
                                                  .varint(kDims, 2)
                                                  .varint(kDataType, TensorProto::kUInt8)
                                                  .bytes(kInt32Data, ProtoWriter::varints({0, 255}))
                                                  .data);
    CHECK(u8.i64 == std::vector<int64_t>{0, 255});
    CHECK_THROWS_WITH(parse_tensor_proto(ProtoWriter()
                                             .string(kName, "q")
                                             .varint(kDims, 1)
                                             .varint(kDataType, TensorProto::kUInt8)
                                             .varint(kInt32Data, 256)
                                             .data),
                      "TensorProto 'q': value 256 out of range for uint8");
    CHECK_THROWS_WITH(parse_tensor_proto(ProtoWriter()
                                             .string(kName, "q")
                                             .varint(kDims, 1)
                                             .varint(kDataType, TensorProto::kInt8)
                                             .varint(kInt32Data, twos_complement(-129))
                                             .data),
                      "TensorProto 'q': value -129 out of range for int8");
  }
  SUBCASE("double_data packed, narrowed to float") {
    const TensorProto t = parse_tensor_proto(
        ProtoWriter()
            .varint(kDims, 2)
            .varint(kDataType, TensorProto::kDouble)
            .bytes(kDoubleData, ProtoWriter::little_endian<double>({1.0 / 3.0, -8.0}))
            .data);
    CHECK(t.f32 == std::vector<float>{1.0f / 3.0f, -8.0f});
  }
}

TEST_CASE("parse_tensor_proto takes a scalar, empty tensors and unknown fields") {
  const TensorProto scalar = parse_tensor_proto(ProtoWriter()
                                                    .string(kDocString, "ignored")
                                                    .varint(kDataType, TensorProto::kInt64)
                                                    .fixed64(99, 12345)
                                                    .varint(kInt64Data, 42)
                                                    .fixed32(98, 0)
                                                    .data);
  CHECK(scalar.dims.empty());
  CHECK(scalar.element_count() == 1);
  CHECK(scalar.i64 == std::vector<int64_t>{42});
  const TensorProto empty = parse_tensor_proto(
      ProtoWriter().varint(kDims, 0).varint(kDataType, TensorProto::kFloat).data);
  CHECK(empty.element_count() == 0);
  CHECK(empty.f32.empty());
}

void check_rejects(const Bytes& message, const char* error_part) {
  CAPTURE(error_part);
  CHECK_THROWS_WITH_AS(parse_tensor_proto(message), doctest::Contains(error_part),
                       std::runtime_error);
}

TEST_CASE("parse_tensor_proto rejects malformed wire data") {
  const Bytes valid = ProtoWriter()
                          .bytes(kDims, ProtoWriter::varints({2, 200}))
                          .varint(kDataType, TensorProto::kInt64)
                          .string(kName, "ids")
                          .bytes(kRawData, Bytes(2 * 200 * 8, 1))
                          .data;
  REQUIRE(parse_tensor_proto(valid).i64.size() == 400);
  // A cut at a field boundary leaves a well-formed message with too few
  // values; anywhere else the wire data is broken. Either way it must throw.
  for (size_t size = 0; size < valid.size(); ++size) {
    CAPTURE(size);
    CHECK_THROWS_AS(parse_tensor_proto(std::span(valid).first(size)), std::runtime_error);
  }
  check_rejects({0x0a}, "truncated varint");
  check_rejects({0x0a, 0x05, 0x01}, "past the end");
  check_rejects({0x0b, 0x00}, "unsupported wire type 3 in field 1");
  check_rejects({0x0f, 0x00}, "unsupported wire type 7");
  check_rejects({0x00, 0x00}, "invalid field number");
  check_rejects(Bytes(11, 0xff), "varint longer than 64 bits");
  check_rejects(ProtoWriter().fixed32(kDims, 1).data,
                "field 1 is fixed32, expected varint or packed");
  check_rejects(ProtoWriter().string(kDataType, "1").data, "field 2 is length-delimited");
}

TEST_CASE("parse_tensor_proto rejects tensors it cannot represent") {
  const ProtoWriter float_2x2 = ProtoWriter().varint(kDims, 2).varint(kDims, 2).string(kName, "w");
  check_rejects(ProtoWriter(float_2x2)
                    .varint(kDataType, TensorProto::kFloat)
                    .bytes(kFloatData, ProtoWriter::little_endian<float>({1, 2, 3}))
                    .data,
                "TensorProto 'w': 3 values for dims [2, 2] (4 elements)");
  check_rejects(ProtoWriter(float_2x2)
                    .varint(kDataType, TensorProto::kFloat)
                    .bytes(kRawData, Bytes(15, 0))
                    .data,
                "15 bytes, not a multiple of 4");
  check_rejects(ProtoWriter(float_2x2).varint(kDataType, 10).data, "data_type 10 not supported");
  check_rejects(ProtoWriter(float_2x2).data, "data_type 0 not supported");
  check_rejects(ProtoWriter(float_2x2)
                    .varint(kDataType, TensorProto::kInt64)
                    .bytes(kFloatData, ProtoWriter::little_endian<float>({1, 2, 3, 4}))
                    .data,
                "field 4 holds values, but data_type 7 keeps them in field 7");
  check_rejects(ProtoWriter(float_2x2)
                    .varint(kDataType, TensorProto::kFloat)
                    .bytes(kFloatData, ProtoWriter::little_endian<float>({1, 2}))
                    .bytes(kRawData, ProtoWriter::little_endian<float>({3, 4}))
                    .data,
                "both raw_data and field 4");
  check_rejects(ProtoWriter(float_2x2)
                    .varint(kDataType, TensorProto::kFloat)
                    .bytes(kExternalData, ProtoWriter().string(1, "location").data)
                    .data,
                "external_data without data_location EXTERNAL");
  check_rejects(
      ProtoWriter(float_2x2).varint(kDataType, TensorProto::kFloat).varint(kDataLocation, 1).data,
      "data_location is EXTERNAL but external_data is missing");
  check_rejects(ProtoWriter(float_2x2)
                    .varint(kDataType, TensorProto::kFloat)
                    .varint(kDataLocation, 1)
                    .bytes(kExternalData, ProtoWriter().string(1, "offset").string(2, "x1").data)
                    .data,
                "external_data offset 'x1' is not a number");
  check_rejects(
      ProtoWriter().varint(kDims, twos_complement(-1)).varint(kDataType, TensorProto::kFloat).data,
      "negative dim");
  check_rejects(ProtoWriter()
                    .varint(kDims, 1ull << 40)
                    .varint(kDims, 1ull << 40)
                    .varint(kDataType, TensorProto::kFloat)
                    .data,
                "element count overflows");
}

TEST_CASE("parse_tensor_proto describes external data without reading it") {
  const TensorProto t = parse_tensor_proto(
      ProtoWriter()
          .varint(kDims, 3)
          .varint(kDataType, TensorProto::kFloat)
          .varint(kDataLocation, 1)
          .bytes(kExternalData,
                 ProtoWriter().string(1, "location").string(2, "model.onnx.data").data)
          .bytes(kExternalData, ProtoWriter().string(1, "offset").string(2, "128").data)
          .bytes(kExternalData, ProtoWriter().string(1, "length").string(2, "12").data)
          .data);
  REQUIRE(t.external.has_value());
  CHECK(t.external->location == "model.onnx.data");
  CHECK(t.external->offset == 128);
  CHECK(t.external->length == 12);
  CHECK(t.f32.empty());
}

TEST_CASE("read_tensor_proto_file names the file in its errors") {
  const std::string missing = "/nonexistent/minirt/tensor.pb";
  CHECK_THROWS_WITH_AS(read_tensor_proto_file(missing), doctest::Contains(missing.c_str()),
                       std::runtime_error);
}

// The bert-tiny reference cases in ../shared; shapes and output magnitudes
// are copied from refs/cases.json.
struct RefCase {
  const char* name;
  int64_t batch, seq;
  float last_hidden_state_absmax, pooler_output_absmax;
};
constexpr int64_t kHidden = 64, kVocab = 1000;  // bert-tiny config.json

float max_abs(const std::vector<float>& values) {
  float result = 0.0f;
  for (float v : values) result = std::max(result, std::abs(v));
  return result;
}

TEST_CASE("read_tensor_proto_file reads the bert-tiny reference tensors") {
  const std::filesystem::path refs =
      std::filesystem::path(MINIRT_SOURCE_DIR) / "../shared/models/bert-tiny/refs";
  if (!std::filesystem::exists(refs)) {
    MESSAGE("skipped: no " << refs.string() << " (a fresh clone has no ../shared)");
    return;
  }
  for (const RefCase& c : {RefCase{"case0", 1, 8, 6.113548755645752f, 0.8656564354896545f},
                           RefCase{"case1", 2, 16, 7.690902233123779f, 0.8768671154975891f},
                           RefCase{"case2", 3, 33, 7.9181413650512695f, 0.8852824568748474f}}) {
    CAPTURE(c.name);
    const std::filesystem::path dir = refs / c.name;
    const std::vector<int64_t> batch_seq = {c.batch, c.seq};
    const TensorProto ids = read_tensor_proto_file(dir / "input_0.pb");
    CHECK(ids.name == "input_ids");
    CHECK(ids.data_type == TensorProto::kInt64);
    CHECK(ids.dims == batch_seq);
    CHECK(std::all_of(ids.i64.begin(), ids.i64.end(),
                      [](int64_t id) { return id >= 0 && id < kVocab; }));
    const TensorProto mask = read_tensor_proto_file(dir / "input_1.pb");
    CHECK(mask.name == "attention_mask");
    CHECK(mask.dims == batch_seq);
    CHECK(
        std::all_of(mask.i64.begin(), mask.i64.end(), [](int64_t m) { return m == 0 || m == 1; }));
    const TensorProto types = read_tensor_proto_file(dir / "input_2.pb");
    CHECK(types.name == "token_type_ids");
    CHECK(types.dims == batch_seq);
    const TensorProto hidden = read_tensor_proto_file(dir / "output_0.pb");
    CHECK(hidden.name == "last_hidden_state");
    CHECK(hidden.data_type == TensorProto::kFloat);
    CHECK(hidden.dims == std::vector<int64_t>{c.batch, c.seq, kHidden});
    CHECK(max_abs(hidden.f32) == c.last_hidden_state_absmax);
    const TensorProto pooled = read_tensor_proto_file(dir / "output_1.pb");
    CHECK(pooled.name == "pooler_output");
    CHECK(pooled.dims == std::vector<int64_t>{c.batch, kHidden});
    CHECK(max_abs(pooled.f32) == c.pooler_output_absmax);
  }
}

}  // namespace
}  // namespace minirt
