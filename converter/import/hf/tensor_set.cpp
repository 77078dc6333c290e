#include "converter/import/hf/tensor_set.h"

#include <bit>
#include <cstring>
#include <stdexcept>

namespace minirt::converter::hf {

namespace {

static_assert(std::endian::native == std::endian::little, "tensor bytes are little-endian");

float bf16_to_f32(uint16_t bits) { return std::bit_cast<float>(uint32_t{bits} << 16); }

float f16_to_f32(uint16_t bits) {
  const uint32_t sign = uint32_t{bits & 0x8000u} << 16;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t mantissa = bits & 0x3ffu;
  if (exponent == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    if (mantissa == 0) return std::bit_cast<float>(sign);
    // Subnormal half: shift the mantissa up until it is normal in float.
    exponent = 127 - 15 + 1;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --exponent;
    }
    mantissa &= 0x3ffu;
    return std::bit_cast<float>(sign | (exponent << 23) | (mantissa << 13));
  }
  return std::bit_cast<float>(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13));
}

std::vector<float> convert_16bit(const ir::WeightBytes& src, float (*convert)(uint16_t)) {
  std::vector<float> dst(src.size() / 2);
  const uint8_t* p = src.bytes().data();
  for (size_t i = 0; i < dst.size(); ++i) {
    uint16_t bits;
    std::memcpy(&bits, p + 2 * i, 2);
    dst[i] = convert(bits);
  }
  return dst;
}

}  // namespace

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ',';
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

const Tensor& TensorSet::at(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) throw std::runtime_error(origin_ + ": missing tensor '" + name + "'");
  return it->second;
}

ir::WeightBytes TensorSet::f32(const std::string& name, const std::vector<int64_t>& shape) const {
  const Tensor& t = at(name);
  if (t.shape != shape) {
    throw std::runtime_error(origin_ + ": tensor '" + name + "' has shape " +
                             shape_string(t.shape) + ", expected " + shape_string(shape));
  }
  if (t.dtype == "F32") return t.bytes;
  if (t.dtype == "F16") return ir::WeightBytes::owned(convert_16bit(t.bytes, f16_to_f32));
  if (t.dtype == "BF16") return ir::WeightBytes::owned(convert_16bit(t.bytes, bf16_to_f32));
  throw std::runtime_error(origin_ + ": tensor '" + name + "' has dtype " + t.dtype +
                           "; only F32, F16 and BF16 are supported");
}

}  // namespace minirt::converter::hf
