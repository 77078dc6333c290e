// Vector math over the primitives of VecAvx2 / VecAvx512. Include inside a
// target region (ops/cpu/isa_target.h): the functions are templates on the
// vector type and take its ISA from the region they are instantiated in.
#pragma once

#include "ops/cpu/isa_target.h"

namespace minirt::cpu {

// e^x, within 2 ulp of std::exp over the float range; 0 below -87.3 (where
// e^x is subnormal), NaN for NaN, +-inf not special-cased. Cephes' expf: x = n ln2 + r
// with |r| <= ln2/2 (ln2 split in two for an exact reduction), e^r by a
// degree-7 polynomial, 2^n put into the exponent bits.
template <class V>
typename V::Reg vec_exp(typename V::Reg x) {
  using Reg = typename V::Reg;
  const Reg lowest = V::set1(-87.33654f), highest = V::set1(88.37626f);
  // min and max return their second operand when either is NaN: x goes
  // second so a NaN stays NaN (first, it became the bound: e^x about 0).
  const Reg clamped = V::min(highest, V::max(lowest, x));
  const Reg n = V::round_nearest(V::mul(clamped, V::set1(1.44269504088896341f)));
  Reg r = V::fmadd(n, V::set1(-0.693359375f), clamped);
  r = V::fmadd(n, V::set1(2.12194440e-4f), r);
  Reg p = V::set1(1.9875691500e-4f);
  p = V::fmadd(p, r, V::set1(1.3981999507e-3f));
  p = V::fmadd(p, r, V::set1(8.3334519073e-3f));
  p = V::fmadd(p, r, V::set1(4.1665795894e-2f));
  p = V::fmadd(p, r, V::set1(1.6666665459e-1f));
  p = V::fmadd(p, r, V::set1(5.0000001201e-1f));
  p = V::fmadd(p, V::mul(r, r), V::add(r, V::set1(1.0f)));
  return V::zero_where_less(V::mul(p, V::exp2_integral(n)), x, lowest);
}

}  // namespace minirt::cpu
