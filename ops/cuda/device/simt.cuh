// The device primitives every CUDA kernel of minirt uses, and the only header
// that knows where it runs. Compiled by nvcc (__CUDACC__) it is inline PTX and
// CUDA built-ins; compiled as host C++ it maps the same names onto the SIMT
// emulator of the tests (tests/simt/emulator.h), so one kernel source runs on
// the GPU and, in ctest, on the CPU. Kernels never test __CUDACC__ themselves.
//
// Warp collectives (shfl, ldmatrix, mma) must be reached by all 32 lanes of
// the warp; the emulator reports any that are not.
#pragma once

#include <cstdint>

#if defined(__CUDACC__)
#include <cuda_fp16.h>
#define MINIRT_GLOBAL __global__
#define MINIRT_DEVICE __device__ __forceinline__
#define MINIRT_HOST_DEVICE __host__ __device__
#define MINIRT_LAUNCH_BOUNDS(threads) __launch_bounds__(threads)
#define MINIRT_UNROLL _Pragma("unroll")
#define MINIRT_KERNEL_NAMESPACE gpu
#else
#include <cmath>
#include <cstring>
#include <string>

#include "ops/cuda/half.h"
#include "tests/simt/emulator.h"
#define MINIRT_GLOBAL
#define MINIRT_DEVICE inline
#define MINIRT_HOST_DEVICE
#define MINIRT_LAUNCH_BOUNDS(threads)
#define MINIRT_UNROLL
#define MINIRT_KERNEL_NAMESPACE emulated
#endif
// The kernels live in minirt::cuda, inline namespace MINIRT_KERNEL_NAMESPACE: the GPU's
// build and the emulator's are different functions and types (dev::half is
// __half in one, Half in the other), so a program holding both (a test
// linking libminirt's CUDA objects) has two sets of names, not one name
// defined twice.

namespace minirt::cuda::dev {

constexpr unsigned kWarpSize = 32;
constexpr float kLowestFloat = -3.40282347e38f;  // std::numeric_limits<float>::lowest()

#if defined(__CUDACC__)
using half = __half;
MINIRT_DEVICE float to_float(half h) { return __half2float(h); }
MINIRT_DEVICE half to_half(float f) { return __float2half_rn(f); }
// Eight halves as floats, one 16-byte load (p 16-byte aligned).
MINIRT_DEVICE void load_half8(const half* p, float (&out)[8]) {
  const uint4 v = *reinterpret_cast<const uint4*>(p);
  const uint32_t words[4] = {v.x, v.y, v.z, v.w};
  MINIRT_UNROLL
  for (int i = 0; i < 4; ++i) {
    const float2 f = __half22float2(*reinterpret_cast<const __half2*>(&words[i]));
    out[2 * i] = f.x;
    out[2 * i + 1] = f.y;
  }
}
MINIRT_DEVICE uint16_t half_bits(half h) { return __half_as_ushort(h); }
MINIRT_DEVICE uint32_t float_bits(float f) { return __float_as_uint(f); }
MINIRT_DEVICE float bits_float(uint32_t u) { return __uint_as_float(u); }

MINIRT_DEVICE unsigned thread_idx() { return threadIdx.x; }
MINIRT_DEVICE unsigned block_idx_x() { return blockIdx.x; }
MINIRT_DEVICE unsigned block_idx_y() { return blockIdx.y; }
MINIRT_DEVICE unsigned block_idx_z() { return blockIdx.z; }

MINIRT_DEVICE float exp(float x) { return expf(x); }
MINIRT_DEVICE float erf(float x) { return erff(x); }
MINIRT_DEVICE float tanh(float x) { return tanhf(x); }
MINIRT_DEVICE float rsqrt(float x) { return rsqrtf(x); }

MINIRT_DEVICE void sync_threads() { asm volatile("bar.sync 0;" ::: "memory"); }

// shfl.sync over the full warp (member mask 0xffffffff).
MINIRT_DEVICE uint32_t shfl_xor(uint32_t v, int lane_mask) {
  uint32_t r;
  asm volatile("shfl.sync.bfly.b32 %0, %1, %2, 0x1f, 0xffffffff;"
               : "=r"(r)
               : "r"(v), "r"(lane_mask));
  return r;
}
MINIRT_DEVICE uint32_t shfl_idx(uint32_t v, int lane) {
  uint32_t r;
  asm volatile("shfl.sync.idx.b32 %0, %1, %2, 0x1f, 0xffffffff;" : "=r"(r) : "r"(v), "r"(lane));
  return r;
}
MINIRT_DEVICE uint32_t shfl_up(uint32_t v, int delta) {
  uint32_t r;
  asm volatile("shfl.sync.up.b32 %0, %1, %2, 0x0, 0xffffffff;" : "=r"(r) : "r"(v), "r"(delta));
  return r;
}
MINIRT_DEVICE uint32_t shfl_down(uint32_t v, int delta) {
  uint32_t r;
  asm volatile("shfl.sync.down.b32 %0, %1, %2, 0x1f, 0xffffffff;" : "=r"(r) : "r"(v), "r"(delta));
  return r;
}

extern __shared__ __align__(16) unsigned char minirt_dynamic_shared[];
MINIRT_DEVICE unsigned char* dynamic_shared() { return minirt_dynamic_shared; }

MINIRT_DEVICE uint32_t shared_address(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// ldmatrix.sync.aligned.m8n8.xN{.trans}.shared.b16; row is this lane's row address.
template <int kMatrices, bool kTrans>
MINIRT_DEVICE void ldmatrix(uint32_t (&out)[kMatrices], const void* row) {
  const uint32_t a = shared_address(row);
  if constexpr (kMatrices == 1 && !kTrans) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x1.shared.b16 {%0}, [%1];" : "=r"(out[0]) : "r"(a));
  } else if constexpr (kMatrices == 1) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x1.trans.shared.b16 {%0}, [%1];"
                 : "=r"(out[0])
                 : "r"(a));
  } else if constexpr (kMatrices == 2 && !kTrans) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x2.shared.b16 {%0, %1}, [%2];"
                 : "=r"(out[0]), "=r"(out[1])
                 : "r"(a));
  } else if constexpr (kMatrices == 2) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16 {%0, %1}, [%2];"
                 : "=r"(out[0]), "=r"(out[1])
                 : "r"(a));
  } else if constexpr (!kTrans) {
    static_assert(kMatrices == 4, "ldmatrix loads 1, 2 or 4 matrices");
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];"
                 : "=r"(out[0]), "=r"(out[1]), "=r"(out[2]), "=r"(out[3])
                 : "r"(a));
  } else {
    static_assert(kMatrices == 4, "ldmatrix loads 1, 2 or 4 matrices");
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];"
                 : "=r"(out[0]), "=r"(out[1]), "=r"(out[2]), "=r"(out[3])
                 : "r"(a));
  }
}

// d = a * b + d, mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32.
MINIRT_DEVICE void mma_m16n8k16(const uint32_t (&a)[4], const uint32_t (&b)[2], float (&d)[4]) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, "
      "{%8, %9}, {%0, %1, %2, %3};"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

// cp.async.cg.shared.global of 16 bytes; commit_group; wait_group N.
MINIRT_DEVICE void cp_async_16(void* shared_dst, const void* global_src) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;" ::"r"(shared_address(shared_dst)),
               "l"(global_src)
               : "memory");
}
MINIRT_DEVICE void cp_async_commit() { asm volatile("cp.async.commit_group;" ::: "memory"); }
template <int kPending>
MINIRT_DEVICE void cp_async_wait() {
  asm volatile("cp.async.wait_group %0;" ::"n"(kPending) : "memory");
}

#else  // host: the SIMT emulator

using half = Half;
inline float to_float(half h) { return static_cast<float>(h); }
inline half to_half(float f) { return Half(f); }
inline void load_half8(const half* p, float (&out)[8]) {
  if (reinterpret_cast<uintptr_t>(p) % 16 != 0) {
    simt::report_fault("16-byte load of 8 halves from an unaligned address");
  }
  for (int i = 0; i < 8; ++i) out[i] = static_cast<float>(p[i]);
}
inline uint16_t half_bits(half h) { return h.bits; }
inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

inline unsigned thread_idx() { return simt::thread_idx(); }
inline unsigned block_idx_x() { return simt::block_idx().x; }
inline unsigned block_idx_y() { return simt::block_idx().y; }
inline unsigned block_idx_z() { return simt::block_idx().z; }

inline float exp(float x) { return std::exp(x); }
inline float erf(float x) { return std::erf(x); }
inline float tanh(float x) { return std::tanh(x); }
inline float rsqrt(float x) { return 1.0f / std::sqrt(x); }

inline void sync_threads(const char* file = __builtin_FILE(), unsigned line = __builtin_LINE()) {
  simt::sync_threads({file, line});
}

inline uint32_t shfl_xor(uint32_t v, int lane_mask, const char* file = __builtin_FILE(),
                         unsigned line = __builtin_LINE()) {
  return simt::shfl(0xffffffffu, v, lane_mask, simt::ShflMode::kXor, {file, line});
}
inline uint32_t shfl_idx(uint32_t v, int lane, const char* file = __builtin_FILE(),
                         unsigned line = __builtin_LINE()) {
  return simt::shfl(0xffffffffu, v, lane, simt::ShflMode::kIdx, {file, line});
}
inline uint32_t shfl_up(uint32_t v, int delta, const char* file = __builtin_FILE(),
                        unsigned line = __builtin_LINE()) {
  return simt::shfl(0xffffffffu, v, delta, simt::ShflMode::kUp, {file, line});
}
inline uint32_t shfl_down(uint32_t v, int delta, const char* file = __builtin_FILE(),
                          unsigned line = __builtin_LINE()) {
  return simt::shfl(0xffffffffu, v, delta, simt::ShflMode::kDown, {file, line});
}

inline unsigned char* dynamic_shared() {
  return reinterpret_cast<unsigned char*>(simt::shared_base());
}

template <int kMatrices, bool kTrans>
inline void ldmatrix(uint32_t (&out)[kMatrices], const void* row,
                     const char* file = __builtin_FILE(), unsigned line = __builtin_LINE()) {
  static_assert(kMatrices == 1 || kMatrices == 2 || kMatrices == 4,
                "ldmatrix loads 1, 2 or 4 matrices");
  simt::ldmatrix(kMatrices, kTrans, row, out, {file, line});
}

inline void mma_m16n8k16(const uint32_t (&a)[4], const uint32_t (&b)[2], float (&d)[4],
                         const char* file = __builtin_FILE(), unsigned line = __builtin_LINE()) {
  simt::mma_m16n8k16(a, b, d, d, {file, line});
}

inline void cp_async_16(void* shared_dst, const void* global_src) {
  simt::cp_async_16(shared_dst, global_src);
}
inline void cp_async_commit() { simt::cp_async_commit(); }
template <int kPending>
inline void cp_async_wait() {
  simt::cp_async_wait(kPending);
}

#endif

MINIRT_DEVICE unsigned lane_id() { return thread_idx() % kWarpSize; }
MINIRT_DEVICE unsigned warp_id() { return thread_idx() / kWarpSize; }

MINIRT_DEVICE float shfl_xor(float v, int lane_mask) {
  return bits_float(shfl_xor(float_bits(v), lane_mask));
}

// Two floats rounded to halves, packed as one .f16x2 register (lo first).
MINIRT_DEVICE uint32_t pack_half2(float lo, float hi) {
  return static_cast<uint32_t>(half_bits(to_half(lo))) |
         static_cast<uint32_t>(half_bits(to_half(hi))) << 16;
}

// A typed window of the block's dynamic shared memory: `count` elements of T
// starting `byte_offset` bytes in. A raw pointer on the GPU; on the host every
// access is checked against the window and the block's shared memory.
template <typename T>
class Shared {
 public:
  MINIRT_DEVICE Shared(unsigned byte_offset, unsigned count)
      : data_(reinterpret_cast<T*>(dynamic_shared() + byte_offset)) {
#if !defined(__CUDACC__)
    count_ = count;
    simt::check_shared(data_, sizeof(T) * count, "shared window");
#else
    (void)count;
#endif
  }
  MINIRT_DEVICE T& operator[](unsigned i) const { return *ptr(i, 1); }
  // Address of element i, with `elements` more readable from it.
  MINIRT_DEVICE T* ptr(unsigned i, unsigned elements = 1) const {
#if !defined(__CUDACC__)
    if (i + elements > count_) {
      simt::report_fault("shared window of " + std::to_string(count_) + " elements: index " +
                         std::to_string(i) + " (+" + std::to_string(elements) + ") past its end");
    }
#else
    (void)elements;
#endif
    return data_ + i;
  }

 private:
  T* data_;
#if !defined(__CUDACC__)
  unsigned count_ = 0;
#endif
};

}  // namespace minirt::cuda::dev
