// JIT micro-kernels for dst[m,n] = act(src x W^T + bias) + residual over
// weights packed in panels (see ops/cpu/matmul.h for the layout). One kernel
// set per MatMul: the K and N strides, the epilogue and the ISA are baked
// in, and every tile height 1..MR is generated for the full panel and for
// the last, partial panel (stores masked: opmask on AVX-512, vmaskmovps on
// AVX2). Name: <f32|bf16|int8>_matmul_<isa>_<MR>x<NR>_k<K>_n<N>_<act>[_residual].
//
// A k step reads one 4-byte word of src per row and one NR-word panel row:
// in fp32 one k (vfmadd231ps); in bf16 one k pair (vdpbf16ps, src rows from
// ops/cpu/bf16_rows.h); in int8 one k quad (vpdpbusd, u8 src rows from
// ops/cpu/int8_rows.h, s8 weights, int32 accumulators that the last k block
// turns back into floats with the row and column scales). bf16 and int8
// are AVX-512 only.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "ops/cpu/cpu_isa.h"
#include "ops/op_types.h"
#include "ops/ref/int8.h"

namespace minirt::jit {

// Register tile: AVX2 6x16 (12 ymm accumulators), AVX-512 8x48 (24 zmm).
struct MatMulTile {
  int rows;  // MR
  int cols;  // NR, the panel width
};
MatMulTile matmul_tile(CpuIsa isa);

// The least ISA with kernels for the precision: avx2 (fp32), avx512_bf16
// (bf16), avx512_vnni (int8).
CpuIsa matmul_precision_isa(MatMulPrecision precision);

// k steps per row: k (fp32), k pairs (bf16), k quads (int8), rounded up.
int64_t matmul_steps(MatMulPrecision precision, int64_t k);

// MatMulKernelArgs::flags
constexpr int64_t kMatMulAccumulate =
    1;  // add to dst instead of overwriting it (k blocks after the first)
constexpr int64_t kMatMulFinish = 2;  // last k block: bias, activation, residual

// One call: a tile of `rows` x panel over k consecutive k steps.
struct MatMulKernelArgs {
  const void* src = nullptr;         // tile's first row, at the k block
  const uint32_t* packed = nullptr;  // panel, at the k block
  float* dst = nullptr;              // tile's first element
  const float* bias = nullptr;       // panel's first column, padded to NR
  const float* residual = nullptr;   // tile's first element, when baked in
  // int8 only: the tile's first row's quantization, and the panel's first
  // column's scale and sum of its s8 weights (both padded to NR).
  const ref::RowQuantization* row_quantization = nullptr;
  const float* column_scale = nullptr;
  const float* column_sum = nullptr;
  int64_t k = 0;  // steps
  int64_t flags = 0;
};
using MatMulKernelFn = void (*)(const MatMulKernelArgs*);

struct MatMulKernelShape {
  int64_t k = 0, n = 0;
  Activation activation = Activation::kNone;
  bool residual = false;
  MatMulPrecision precision = MatMulPrecision::kFloat32;
};

class MatMulKernelSet {
 public:
  virtual ~MatMulKernelSet() = default;
  virtual const std::string& name() const = 0;
  // rows in [1, MR]; tail: the last panel when n is not a multiple of NR.
  virtual MatMulKernelFn kernel(int rows, bool tail) const = 0;
};

// isa must be kAvx2 or above, and matmul_precision_isa(precision) or above.
// Returns nullptr and sets *error when it is not or code generation fails.
std::unique_ptr<MatMulKernelSet> make_matmul_kernels(CpuIsa isa, const MatMulKernelShape& shape,
                                                     std::string* error);

}  // namespace minirt::jit
