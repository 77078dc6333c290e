// bfloat16 rounding: the scalar oracle (ops/ref/bf16.h) on known values, and
// the AVX512-BF16 row converter of the bf16 MatMul against it, bit for bit.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "ops/cpu/bf16_rows.h"
#include "ops/cpu/cpu_isa.h"
#include "ops/ref/bf16.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

TEST_CASE("bf16 oracle: round to nearest even, specials kept") {
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to the even 1.
  CHECK(ref::round_to_bf16(1.0f + 0x1p-8f) == 1.0f);
  // 1 + 3 * 2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6.
  CHECK(ref::round_to_bf16(1.0f + 3 * 0x1p-8f) == 1.0f + 0x1p-6f);
  CHECK(ref::round_to_bf16(1.0f + 0x1p-8f + 0x1p-20f) == 1.0f + 0x1p-7f);  // past the tie: up
  CHECK(ref::round_to_bf16(-2.5f) == -2.5f);                               // exact: unchanged
  CHECK(ref::float_to_bf16(0.0f) == 0x0000);
  CHECK(ref::float_to_bf16(-0.0f) == 0x8000);
  CHECK(ref::float_to_bf16(std::numeric_limits<float>::infinity()) == 0x7f80);
  CHECK(std::isnan(ref::round_to_bf16(std::numeric_limits<float>::quiet_NaN())));
  // A NaN whose payload sits only in the low bits must not round to infinity.
  CHECK(std::isnan(ref::bf16_to_float(ref::float_to_bf16(std::bit_cast<float>(0x7f800001u)))));
  // The largest float rounds up to infinity, as the hardware does.
  CHECK(std::isinf(ref::round_to_bf16(std::numeric_limits<float>::max())));
}

TEST_CASE("bf16 rows: the SIMD converter matches the oracle bit for bit, pad zero included") {
  if (cpu_isa_in_use() < CpuIsa::kAvx512Bf16) {
    MESSAGE("skipped: this machine runs up to " << std::string(cpu_isa_name(cpu_isa_in_use()))
                                                << ", not avx512_bf16");
    return;
  }
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  std::mt19937 rng(seed);
  SerialParallel serial;
  for (int64_t k = 1; k <= 70; ++k) {
    CAPTURE(k);
    const int64_t rows = 3, stride = cpu::bf16_row_elements(k);
    std::vector<float> src = random_floats(rng, static_cast<size_t>(rows * k), -100.0f, 100.0f);
    src[0] = 1.0f + 0x1p-8f;  // a tie
    std::vector<uint16_t> got(static_cast<size_t>(rows * stride + 1), 0xabcd);
    cpu::round_rows_to_bf16(src.data(), rows, k, got.data(), serial);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t i = 0; i < k; ++i)
        CHECK(got[static_cast<size_t>(r * stride + i)] ==
              ref::float_to_bf16(src[static_cast<size_t>(r * k + i)]));
      if (k % 2) CHECK(got[static_cast<size_t>(r * stride + k)] == 0);
    }
    CHECK(got.back() == 0xabcd);  // nothing written past the last row
  }
}

}  // namespace
}  // namespace minirt::test
