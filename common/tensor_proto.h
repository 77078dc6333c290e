// ONNX TensorProto (onnx.proto, message TensorProto) read into host vectors:
// the tensors of ONNX test data (.pb files) and of model initializers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace minirt {

struct TensorProto {
  // The TensorProto.DataType values this reader accepts.
  static constexpr int32_t kFloat = 1, kUInt8 = 2, kInt8 = 3, kInt32 = 6, kInt64 = 7, kBool = 9,
                           kDouble = 11;

  // Where the values of a tensor with data_location EXTERNAL live: `length`
  // bytes (-1 when the model leaves it to the end of the file) at `offset`
  // of the file `location`, relative to the model file's folder.
  struct External {
    std::string location;
    uint64_t offset = 0;
    int64_t length = -1;
  };

  std::string name;
  int32_t data_type = 0;
  std::vector<int64_t> dims;
  std::vector<float> f32;    // kFloat, and kDouble narrowed to float
  std::vector<int64_t> i64;  // kInt64, and kInt32, kInt8, kUInt8 and kBool widened
  // Set for external data: f32 and i64 stay empty, the caller reads (maps) it.
  std::optional<External> external;

  // Product of dims; 1 for a scalar (no dims).
  int64_t element_count() const;
  // Like "[1, 8]", for messages.
  std::string shape_string() const;
};

// Parses a serialized TensorProto. bytes may be a slice of a larger buffer
// (an initializer inside a mapped ModelProto); they are read, never copied.
// Throws std::runtime_error on malformed input, data types other than those
// above, or a value count that does not match dims. External data is only
// described (TensorProto::external), never read here.
TensorProto parse_tensor_proto(std::span<const uint8_t> bytes);

// Reads a file holding one serialized TensorProto; errors name the file.
TensorProto read_tensor_proto_file(const std::string& path);

}  // namespace minirt
