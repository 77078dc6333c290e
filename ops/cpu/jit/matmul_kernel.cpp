#include "ops/cpu/jit/matmul_kernel.h"

#include <cstddef>
#include <type_traits>

#include "ops/cpu/jit/jit_activation.h"
#include "ops/cpu/jit/jit_kernel.h"

namespace minirt::jit {
namespace {

using Xbyak::Address;
using Xbyak::Label;
using Xbyak::Reg64;

constexpr int kUnroll = 4;  // k steps per main-loop iteration
constexpr int kCacheLine = 64;
constexpr int kPrefetchDistance = 4096;  // bytes of panel ahead of the k loop

template <typename Vmm>
class MatMulKernel final : public JitKernel, public MatMulKernelSet {
 public:
  MatMulKernel(CpuIsa isa, const MatMulKernelShape& shape)
      : JitKernel(kernel_name(isa, shape), isa),
        shape_(shape),
        tile_(matmul_tile(isa)),
        tail_cols_(static_cast<int>(shape.n % tile_.cols)),
        src_row_bytes_(4 * matmul_steps(shape.precision, shape.k)),
        activation_(*this, shape.activation,
                    {Vmm(kTemp0), Vmm(kTemp0 + 1), Vmm(kTemp0 + 2), Vmm(kTemp0 + 3)}) {}

  const std::string& name() const override { return JitKernel::name(); }
  MatMulKernelFn kernel(int rows, bool tail) const override {
    // The code pages are read-only to us, executable to the CPU.
    return reinterpret_cast<MatMulKernelFn>(const_cast<uint8_t*>(getCode()) +
                                            entries_[tail][rows - 1]);
  }

 private:
  static constexpr bool kZmm = std::is_same_v<Vmm, Xbyak::Zmm>;
  static constexpr int kVecFloats = kZmm ? 16 : 8;
  static constexpr int kVecBytes = kVecFloats * 4;
  static constexpr int kMaxAccumulators = kZmm ? 24 : 12;
  // Vector registers: accumulators from 0, then the panel row, the broadcast
  // src element, and the epilogue temporaries (which reuse the panel row's).
  static constexpr int kPanel0 = kMaxAccumulators;
  static constexpr int kBroadcast = kZmm ? 27 : 14;
  static constexpr int kTemp0 = kZmm ? 28 : 12;
  static constexpr int kMaskTemp = kTemp0 + 3;  // AVX2: the tail mask, when needed

  // General registers.
  const Reg64 reg_args = abi_param1;
  const Reg64 reg_src = rsi, reg_packed = rdx, reg_dst = rcx, reg_bias = r8, reg_residual = r9;
  const Reg64 reg_k = r10, reg_count = r11, reg_flags = rax;
  const Reg64 reg_row_quantization = r12, reg_column_scale = r13, reg_column_sum = r14;  // int8
  const Xbyak::Opmask k_tail = k1;

  static std::string kernel_name(CpuIsa isa, const MatMulKernelShape& shape) {
    const MatMulTile tile = matmul_tile(isa);
    const bool fp32 = shape.precision == MatMulPrecision::kFloat32;
    return std::string(fp32 ? "f32" : matmul_precision_name(shape.precision)) + "_matmul_" +
           (isa >= CpuIsa::kAvx512 ? "avx512" : "avx2") + "_" + std::to_string(tile.rows) + "x" +
           std::to_string(tile.cols) + "_k" + std::to_string(shape.k) + "_n" +
           std::to_string(shape.n) + "_" + activation_name(shape.activation) +
           (shape.residual ? "_residual" : "");
  }

  void generate() override {
    for (int tail = 0; tail < 2; ++tail) {
      if (tail && tail_cols_ == 0) break;
      for (int rows = 1; rows <= tile_.rows; ++rows) {
        entries_[tail][rows - 1] = getSize();
        emit_variant(rows, tail ? tail_cols_ : tile_.cols);
      }
    }
    activation_.emit_table();
    if (!kZmm && tail_cols_ % kVecFloats != 0) emit_avx2_mask();
  }

  void emit_variant(int rows, int cols) {
    const int vecs = (cols + kVecFloats - 1) / kVecFloats;
    const int last_lanes = cols % kVecFloats;  // 0: the last vector is full
    Label load_dst, k_loop, main_loop, remainder, remainder_loop, k_done, store;

    preamble();
    mov(reg_src, ptr[reg_args + offsetof(MatMulKernelArgs, src)]);
    mov(reg_packed, ptr[reg_args + offsetof(MatMulKernelArgs, packed)]);
    mov(reg_dst, ptr[reg_args + offsetof(MatMulKernelArgs, dst)]);
    mov(reg_bias, ptr[reg_args + offsetof(MatMulKernelArgs, bias)]);
    mov(reg_residual, ptr[reg_args + offsetof(MatMulKernelArgs, residual)]);
    mov(reg_k, ptr[reg_args + offsetof(MatMulKernelArgs, k)]);
    mov(reg_flags, ptr[reg_args + offsetof(MatMulKernelArgs, flags)]);
    if (shape_.precision == MatMulPrecision::kInt8) {
      mov(reg_row_quantization, ptr[reg_args + offsetof(MatMulKernelArgs, row_quantization)]);
      mov(reg_column_scale, ptr[reg_args + offsetof(MatMulKernelArgs, column_scale)]);
      mov(reg_column_sum, ptr[reg_args + offsetof(MatMulKernelArgs, column_sum)]);
    }
    if (kZmm && last_lanes) {
      mov(reg_count.cvt32(), (1u << last_lanes) - 1);
      kmovw(k_tail, reg_count.cvt32());
    }

    test(reg_flags, kMatMulAccumulate);
    jnz(load_dst, T_NEAR);
    for (int i = 0; i < rows * vecs; ++i) vxorps(Vmm(i), Vmm(i), Vmm(i));
    jmp(k_loop, T_NEAR);
    L(load_dst);
    for_each_tile_vector(rows, vecs, last_lanes, [&](int r, int j, bool masked) {
      load(acc(r, j, vecs), dst_address(reg_dst, r, j), masked);
    });

    L(k_loop);
    mov(reg_count, reg_k);
    shr(reg_count, 2);
    jz(remainder, T_NEAR);
    L(main_loop);
    for (int u = 0; u < kUnroll; ++u) emit_k_step(rows, vecs, u);
    // The first row tile of each k block streams the panel from memory: fetch
    // ahead (later tiles find it in L1, where the prefetch costs little).
    for (int line = 0; line < kUnroll * tile_.cols * 4; line += kCacheLine)
      prefetcht0(ptr[reg_packed + kPrefetchDistance + line]);
    add(reg_src, kUnroll * 4);
    add(reg_packed, kUnroll * tile_.cols * 4);
    dec(reg_count);
    jnz(main_loop, T_NEAR);
    L(remainder);
    mov(reg_count, reg_k);
    and_(reg_count, kUnroll - 1);
    jz(k_done, T_NEAR);
    L(remainder_loop);
    emit_k_step(rows, vecs, 0);
    add(reg_src, 4);
    add(reg_packed, tile_.cols * 4);
    dec(reg_count);
    jnz(remainder_loop, T_NEAR);
    L(k_done);

    test(reg_flags, kMatMulFinish);
    jz(store, T_NEAR);
    emit_epilogue(rows, vecs, last_lanes);
    L(store);
    for_each_tile_vector(rows, vecs, last_lanes, [&](int r, int j, bool masked) {
      store_vector(dst_address(reg_dst, r, j), acc(r, j, vecs), masked);
    });
    postamble();
  }

  // One k step at offset u: the panel row, then one broadcast of the row's
  // src word per tile row (a float, a bf16 pair or a u8 quad).
  void emit_k_step(int rows, int vecs, int u) {
    for (int j = 0; j < vecs; ++j)
      vmovups(Vmm(kPanel0 + j), ptr[reg_packed + (u * tile_.cols + j * kVecFloats) * 4]);
    const Vmm broadcast(kBroadcast);
    for (int r = 0; r < rows; ++r) {
      vbroadcastss(broadcast, ptr[reg_src + r * src_row_bytes_ + u * 4]);
      for (int j = 0; j < vecs; ++j) {
        switch (shape_.precision) {
          case MatMulPrecision::kFloat32:
            vfmadd231ps(acc(r, j, vecs), Vmm(kPanel0 + j), broadcast);
            break;
          case MatMulPrecision::kBFloat16:
            vdpbf16ps(acc(r, j, vecs), Vmm(kPanel0 + j), broadcast);
            break;
          case MatMulPrecision::kInt8:  // u8 src (the broadcast) times s8 weights
            vpdpbusd(acc(r, j, vecs), broadcast, Vmm(kPanel0 + j));
            break;
        }
      }
    }
  }

  // The int32 sum of u8 * s8 to the sum of the dequantized products:
  // (sum - zero_point * column_sum) * column_scale * row_scale.
  void emit_dequantize(const Vmm& x, int r, int j) {
    const Vmm row_factor(kTemp0);
    const int row = r * static_cast<int>(sizeof(ref::RowQuantization));
    vcvtdq2ps(x, x);
    vbroadcastss(row_factor,
                 ptr[reg_row_quantization + row + offsetof(ref::RowQuantization, zero_point)]);
    vfnmadd231ps(x, row_factor, ptr[reg_column_sum + j * kVecBytes]);
    vmulps(x, x, ptr[reg_column_scale + j * kVecBytes]);
    vbroadcastss(row_factor,
                 ptr[reg_row_quantization + row + offsetof(ref::RowQuantization, scale)]);
    vmulps(x, x, row_factor);
  }

  void emit_epilogue(int rows, int vecs, int last_lanes) {
    for (int r = 0; r < rows; ++r) {
      for (int j = 0; j < vecs; ++j) {
        const Vmm x = acc(r, j, vecs);
        if (shape_.precision == MatMulPrecision::kInt8) emit_dequantize(x, r, j);
        vaddps(x, x, ptr[reg_bias + j * kVecBytes]);  // bias is padded: never masked
        activation_.emit(x);
        if (shape_.residual) {
          const bool masked = last_lanes && j == vecs - 1;
          const Vmm residual(kTemp0);
          load(residual, dst_address(reg_residual, r, j), masked);
          vaddps(x, x, residual);
        }
      }
    }
  }

  template <typename Fn>
  void for_each_tile_vector(int rows, int vecs, int last_lanes, Fn&& fn) {
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < vecs; ++j) fn(r, j, last_lanes && j == vecs - 1);
  }

  Vmm acc(int r, int j, int vecs) const { return Vmm(r * vecs + j); }
  Address dst_address(const Reg64& base, int r, int j) const {
    return ptr[base + (r * shape_.n + j * kVecFloats) * 4];
  }

  // Masked accesses touch only the panel's real columns.
  void load(const Vmm& x, const Address& src, bool masked) {
    if (!masked) {
      vmovups(x, src);
    } else if constexpr (kZmm) {
      vmovups(x | k_tail | T_z, src);
    } else {
      vmovups(Vmm(kMaskTemp), ptr[rip + avx2_mask_]);
      vmaskmovps(x, Vmm(kMaskTemp), src);
    }
  }
  void store_vector(const Address& dst, const Vmm& x, bool masked) {
    if (!masked) {
      vmovups(dst, x);
    } else if constexpr (kZmm) {
      vmovups(dst | k_tail, x);
    } else {
      vmovups(Vmm(kMaskTemp), ptr[rip + avx2_mask_]);
      vmaskmovps(dst, Vmm(kMaskTemp), x);
    }
  }

  // All ones in the lanes of the last vector the tail panel covers.
  void emit_avx2_mask() {
    align(32);
    L(avx2_mask_);
    for (int lane = 0; lane < kVecFloats; ++lane) dd(lane < tail_cols_ % kVecFloats ? ~0u : 0u);
  }

  MatMulKernelShape shape_;
  MatMulTile tile_;
  int tail_cols_;
  int64_t src_row_bytes_;
  JitActivation<Vmm> activation_;
  Label avx2_mask_;
  std::array<std::array<size_t, 8>, 2> entries_{};
};

}  // namespace

MatMulTile matmul_tile(CpuIsa isa) {
  return isa >= CpuIsa::kAvx512 ? MatMulTile{8, 48} : MatMulTile{6, 16};
}

CpuIsa matmul_precision_isa(MatMulPrecision precision) {
  switch (precision) {
    case MatMulPrecision::kBFloat16:
      return CpuIsa::kAvx512Bf16;
    case MatMulPrecision::kInt8:
      return CpuIsa::kAvx512Vnni;
    case MatMulPrecision::kFloat32:
      break;
  }
  return CpuIsa::kAvx2;
}

int64_t matmul_steps(MatMulPrecision precision, int64_t k) {
  switch (precision) {
    case MatMulPrecision::kBFloat16:
      return (k + 1) / 2;
    case MatMulPrecision::kInt8:
      return (k + 3) / 4;
    case MatMulPrecision::kFloat32:
      break;
  }
  return k;
}

std::unique_ptr<MatMulKernelSet> make_matmul_kernels(CpuIsa isa, const MatMulKernelShape& shape,
                                                     std::string* error) {
  auto create = [&](auto kernel) -> std::unique_ptr<MatMulKernelSet> {
    if (!kernel->create(error)) return nullptr;
    return kernel;
  };
  const CpuIsa needed = matmul_precision_isa(shape.precision);
  if (isa < needed) {
    *error = std::string(matmul_precision_name(shape.precision)) + " MatMul kernels need " +
             cpu_isa_name(needed) + ", not " + cpu_isa_name(isa);
    return nullptr;
  }
  if (isa >= CpuIsa::kAvx512) return create(std::make_unique<MatMulKernel<Xbyak::Zmm>>(isa, shape));
  return create(std::make_unique<MatMulKernel<Xbyak::Ymm>>(isa, shape));
}

}  // namespace minirt::jit
