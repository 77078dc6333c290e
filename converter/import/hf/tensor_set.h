// Named tensors as a Hugging Face checkpoint holds them, from a safetensors
// file or from the random-weight generator; the BERT builder reads them here.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "converter/ir/weight_bytes.h"

namespace minirt::converter::hf {

struct Tensor {
  std::string dtype;  // safetensors spelling: "F32", "F16", "BF16", "I64", ...
  std::vector<int64_t> shape;
  ir::WeightBytes bytes;  // row-major, little-endian
};

class TensorSet {
 public:
  // `origin` names where the tensors come from, for error messages.
  explicit TensorSet(std::string origin) : origin_(std::move(origin)) {}

  void add(const std::string& name, Tensor tensor) { tensors_[name] = std::move(tensor); }
  bool contains(const std::string& name) const { return tensors_.contains(name); }
  const Tensor& at(const std::string& name) const;
  const std::map<std::string, Tensor>& tensors() const { return tensors_; }

  // The tensor as float32 bytes (F16 and BF16 are converted). Throws naming
  // the origin and the tensor when it is missing, of another dtype, or not
  // of shape `shape`.
  ir::WeightBytes f32(const std::string& name, const std::vector<int64_t>& shape) const;

 private:
  std::string origin_;
  std::map<std::string, Tensor> tensors_;
};

std::string shape_string(const std::vector<int64_t>& shape);

}  // namespace minirt::converter::hf
