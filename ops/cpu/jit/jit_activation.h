// Emits the MatMul epilogue activations on one vector register, for any
// kernel built on JitKernel. erf and tanh are odd rational approximations
// x * P(x^2) / Q(x^2) on a clamped range (the minimax forms Eigen and XLA
// use): max error about 3e-7 relative over all floats, a few ulp. Constants
// live in a table the kernel emits after its code (emit_table), each
// replicated over 64 bytes so a ymm or zmm memory operand reads it.
#pragma once

#include <xbyak/xbyak.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "ops/op_types.h"

namespace minirt::jit {

template <typename Vmm>
class JitActivation {
 public:
  // temps: four scratch registers the activation may clobber.
  JitActivation(Xbyak::CodeGenerator& gen, Activation act, const std::array<Vmm, 4>& temps)
      : gen_(gen), act_(act), t0_(temps[0]), t1_(temps[1]), t2_(temps[2]), t3_(temps[3]) {}

  // x = act(x).
  void emit(const Vmm& x) {
    switch (act_) {
      case Activation::kNone:
        return;
      case Activation::kGeluErf:  // 0.5 x (1 + erf(x / sqrt 2))
        gen_.vmulps(t0_, x, constant(kInvSqrt2));
        emit_odd_rational(kErf);
        emit_half_x_one_plus(x);
        return;
      case Activation::kGeluTanh:  // 0.5 x (1 + tanh(sqrt(2/pi) x (1 + 0.044715 x^2)))
        gen_.vmulps(t0_, x, x);
        gen_.vmulps(t0_, t0_, constant(kGeluCubic));
        gen_.vaddps(t0_, t0_, constant(kOne));
        gen_.vmulps(t0_, t0_, x);
        gen_.vmulps(t0_, t0_, constant(kSqrt2OverPi));
        emit_odd_rational(kTanh);
        emit_half_x_one_plus(x);
        return;
      case Activation::kTanh:
        gen_.vmovaps(t0_, x);
        emit_odd_rational(kTanh);
        gen_.vmovaps(x, t2_);
        return;
    }
  }

  // The constant table; call once, after every emit(), outside the code path.
  void emit_table() {
    gen_.align(kEntryBytes);
    gen_.L(table_);
    for (float value : kValues) {
      uint32_t bits;
      std::memcpy(&bits, &value, sizeof bits);
      for (int lane = 0; lane < 16; ++lane) gen_.dd(bits);
    }
  }

 private:
  // Table layout: scalar constants, then the erf and tanh coefficient runs
  // (highest power first, for Horner).
  enum Index {
    kOne,
    kHalf,
    kInvSqrt2,
    kSqrt2OverPi,
    kGeluCubic,
    kErfClamp,  // +4, then -4
    kTanhClamp = kErfClamp + 2,
    kErfP = kTanhClamp + 2,  // 7 coefficients
    kErfQ = kErfP + 7,       // 5
    kTanhP = kErfQ + 5,      // 7
    kTanhQ = kTanhP + 7,     // 4
    kConstantCount = kTanhQ + 4,
  };
  static constexpr int kEntryBytes = 64;
  static constexpr std::array<float, kConstantCount> kValues = {
      1.0f, 0.5f, 0.70710678118654752f, 0.79788456080286536f, 0.044715f,
      // erf(x) is +-1 in float past |x| = 4; tanh past 7.9053111.
      4.0f, -4.0f, 7.90531110763549805f, -7.90531110763549805f,
      // erf: numerator x^13 .. x^1, denominator x^8 .. x^0
      -2.72614225801306e-10f, 2.77068142495902e-08f, -2.10102402082508e-06f, -5.69250639462346e-05f,
      -7.34990630326855e-04f, -2.95459980854025e-03f, -1.60960333262415e-02f,
      -1.45660718464996e-05f, -2.13374055278905e-04f, -1.68282697438203e-03f,
      -7.37332916720468e-03f, -1.42647390514189e-02f,
      // tanh: numerator x^13 .. x^1, denominator x^6 .. x^0
      -2.76076847742355e-16f, 2.00018790482477e-13f, -8.60467152213735e-11f, 5.12229709037114e-08f,
      1.48572235717979e-05f, 6.37261928875436e-04f, 4.89352455891786e-03f, 1.19825839466702e-06f,
      1.18534705686654e-04f, 2.26843463243900e-03f, 4.89352518554385e-03f};

  struct Rational {
    int clamp, p, p_count, q, q_count;
  };
  static constexpr Rational kErf = {kErfClamp, kErfP, 7, kErfQ, 5};
  static constexpr Rational kTanh = {kTanhClamp, kTanhP, 7, kTanhQ, 4};

  Xbyak::Address constant(int index) const {
    return gen_.ptr[gen_.rip + table_ + index * kEntryBytes];
  }

  // t2 = t0 * P(t0^2) / Q(t0^2) with t0 clamped to [-clamp, clamp] first.
  // vminps and vmaxps return their second source when either is NaN: t0 goes
  // second, so a NaN stays NaN (as first, it came out as the clamp: tanh 1).
  void emit_odd_rational(const Rational& r) {
    gen_.vmovups(t1_, constant(r.clamp));
    gen_.vminps(t0_, t1_, t0_);
    gen_.vmovups(t1_, constant(r.clamp + 1));
    gen_.vmaxps(t0_, t1_, t0_);
    gen_.vmulps(t1_, t0_, t0_);
    emit_horner(t2_, r.p, r.p_count);
    emit_horner(t3_, r.q, r.q_count);
    gen_.vmulps(t2_, t2_, t0_);
    gen_.vdivps(t2_, t2_, t3_);
  }

  // dst = polynomial in t1 with `count` coefficients from `first` on.
  void emit_horner(const Vmm& dst, int first, int count) {
    gen_.vmovups(dst, constant(first));
    for (int i = 1; i < count; ++i) gen_.vfmadd213ps(dst, t1_, constant(first + i));
  }

  // x = 0.5 x (1 + t2)
  void emit_half_x_one_plus(const Vmm& x) {
    gen_.vaddps(t2_, t2_, constant(kOne));
    gen_.vmulps(x, x, constant(kHalf));
    gen_.vmulps(x, x, t2_);
  }

  Xbyak::CodeGenerator& gen_;
  Activation act_;
  Vmm t0_, t1_, t2_, t3_;
  Xbyak::Label table_;
};

}  // namespace minirt::jit
