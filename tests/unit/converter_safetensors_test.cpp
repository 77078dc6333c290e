// The safetensors reader: a good file, F16/BF16 conversion, and every kind of
// damage it must report by file and tensor name.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "converter/import/hf/safetensors.h"

namespace {

namespace fs = std::filesystem;
using minirt::converter::hf::read_safetensors;
using minirt::converter::hf::TensorSet;

// A fresh directory for this process's files, removed at exit.
struct TempDir {
  fs::path path =
      fs::temp_directory_path() / ("minirt_converter_safetensors_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};
const TempDir kTempDir;

fs::path temp_file(const std::string& name) { return kTempDir.path / name; }

// Writes header length, `header` and `data`; `declared_length` overrides the
// header length field when nonzero.
fs::path write_file(const std::string& name, const std::string& header,
                    const std::vector<uint8_t>& data, uint64_t declared_length = 0) {
  const fs::path path = temp_file(name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  const uint64_t length = declared_length != 0 ? declared_length : header.size();
  out.write(reinterpret_cast<const char*>(&length), 8);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  return path;
}

std::vector<uint8_t> float_bytes(const std::vector<float>& values) {
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

std::vector<float> floats_of(const minirt::ir::WeightBytes& w) {
  std::vector<float> values(w.size() / 4);
  std::memcpy(values.data(), w.bytes().data(), w.size());
  return values;
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no error)";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const std::string kGoodHeader = R"({"__metadata__":{"format":"pt"},)"
                                R"("a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                                R"("b":{"dtype":"F32","shape":[2],"data_offsets":[24,32]}})";

std::vector<uint8_t> good_data() { return float_bytes({1, 2, 3, 4, 5, 6, -1.5f, 0.25f}); }

}  // namespace

TEST_CASE("safetensors: reads names, dtypes, shapes and data in place") {
  const TensorSet set = read_safetensors(write_file("good.safetensors", kGoodHeader, good_data()));
  CHECK(set.tensors().size() == 2);
  CHECK(set.at("a").dtype == "F32");
  CHECK(set.at("a").shape == std::vector<int64_t>{2, 3});
  CHECK(floats_of(set.f32("a", {2, 3})) == std::vector<float>{1, 2, 3, 4, 5, 6});
  CHECK(floats_of(set.f32("b", {2})) == std::vector<float>{-1.5f, 0.25f});
  CHECK(contains(error_of([&] { set.f32("b", {3}); }), "'b' has shape [2], expected [3]"));
  CHECK(contains(error_of([&] { set.at("c"); }), "missing tensor 'c'"));
}

TEST_CASE("safetensors: F16 and BF16 convert to f32, other dtypes are refused by name") {
  // f16: 1.0, -2.0, 65504 (max), 2^-24 (smallest subnormal); bf16: 1.0, -0.5
  const std::vector<uint8_t> data = {0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x80, 0x3f,
                                     0x00, 0xbf, 7,    0,    0,    0,    0,    0,    0,    0};
  const std::string header = R"({"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},)"
                             R"("bf":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]},)"
                             R"("ids":{"dtype":"I64","shape":[1],"data_offsets":[12,20]}})";
  const TensorSet set = read_safetensors(write_file("halves.safetensors", header, data));
  CHECK(floats_of(set.f32("h", {4})) == std::vector<float>{1.0f, -2.0f, 65504.0f, 0x1p-24f});
  CHECK(floats_of(set.f32("bf", {2})) == std::vector<float>{1.0f, -0.5f});
  const std::string err = error_of([&] { set.f32("ids", {1}); });
  CHECK(contains(err, "halves.safetensors"));
  CHECK(contains(err, "'ids' has dtype I64"));
}

TEST_CASE("safetensors: truncated files are reported") {
  SUBCASE("shorter than the length field") {
    const fs::path path = temp_file("tiny.safetensors");
    std::ofstream(path, std::ios::binary) << "abc";
    CHECK(contains(error_of([&] { read_safetensors(path); }), "too short"));
  }
  SUBCASE("header cut off") {
    const fs::path path =
        write_file("cut_header.safetensors", kGoodHeader.substr(0, 20), {}, kGoodHeader.size());
    const std::string err = error_of([&] { read_safetensors(path); });
    CHECK(contains(err, "cut_header.safetensors"));
    CHECK(contains(err, "exceeds the file size"));
  }
  SUBCASE("data cut off") {
    std::vector<uint8_t> data = good_data();
    data.resize(28);
    const std::string err =
        error_of([&] { read_safetensors(write_file("cut_data.safetensors", kGoodHeader, data)); });
    CHECK(contains(err, "cut_data.safetensors: tensor 'b'"));
    CHECK(contains(err, "truncated"));
  }
}

TEST_CASE("safetensors: inconsistent entries are reported by tensor name") {
  auto error_for = [](const std::string& entry) {
    const std::string header =
        R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"w":)" + entry + "}";
    return error_of([&] { read_safetensors(write_file("bad.safetensors", header, good_data())); });
  };
  CHECK(contains(error_for(R"({"dtype":"F32","shape":[2],"data_offsets":[24,4000]})"),
                 "tensor 'w': data_offsets [24, 4000] run past the end"));
  CHECK(contains(error_for(R"({"dtype":"F32","shape":[2],"data_offsets":[30,24]})"),
                 "tensor 'w': data_offsets begin 30 > end 24"));
  CHECK(contains(error_for(R"({"dtype":"F32","shape":[3],"data_offsets":[24,32]})"),
                 "tensor 'w': data_offsets cover 8 bytes but F32 [3] needs 12"));
  CHECK(contains(error_for(R"({"dtype":"F32","shape":[4611686018427387904,4],)"
                           R"("data_offsets":[24,32]})"),
                 "needs more than the file holds"));
  CHECK(contains(error_for(R"({"dtype":"F32","shape":[-2],"data_offsets":[24,32]})"),
                 "tensor 'w': every shape dim must be a non-negative integer"));
  CHECK(contains(error_for(R"({"dtype":"F32","shape":[2],"data_offsets":[-8,32]})"),
                 "tensor 'w': data_offsets must be a non-negative integer"));
  CHECK(contains(error_for(R"({"dtype":"Q4","shape":[2],"data_offsets":[24,32]})"),
                 "tensor 'w': unknown dtype Q4"));
  CHECK(contains(error_for(R"({"shape":[2],"data_offsets":[24,32]})"),
                 "tensor 'w': missing \"dtype\""));
  CHECK(contains(error_for(R"({"dtype":"F32","shape":[2],"data_offsets":[24]})"),
                 "\"data_offsets\" must be [begin, end]"));
  CHECK(contains(error_for("[1,2]"), "tensor 'w': entry must be a JSON object"));
}

TEST_CASE("safetensors: a header that is not JSON, or not an object, is reported") {
  CHECK(contains(
      error_of([] { read_safetensors(write_file("bad_json.safetensors", "{\"a\": [1, 2", {})); }),
      "bad_json.safetensors: invalid JSON header"));
  CHECK(
      contains(error_of([] { read_safetensors(write_file("array.safetensors", "[1, 2, 3]", {})); }),
               "JSON header must be an object"));
  // nlohmann throws out_of_range, not parse_error, for a number no double holds.
  CHECK(
      contains(error_of([] {
                 read_safetensors(write_file("huge_number.safetensors", "{\"a\": 1e512}", {}));
               }),
               "huge_number.safetensors: invalid JSON header: [json.exception.out_of_range.406]"));
  // A header of many small values parses within a memory bound, or is refused.
  std::string many = "[0";
  for (int i = 0; i < (1 << 18); ++i) many += ",0";
  CHECK(
      contains(error_of([&] { read_safetensors(write_file("many.safetensors", many + "]", {})); }),
               "many.safetensors: JSON header holds more than 262144 values"));
  const std::string missing =
      error_of([] { read_safetensors(temp_file("does_not_exist.safetensors")); });
  CHECK(contains(missing, "cannot open '"));
  CHECK(contains(missing, "does_not_exist.safetensors': No such file"));
}
