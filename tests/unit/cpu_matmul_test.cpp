// The JIT MatMul against the reference kernel, for every ISA this machine
// has (MINIRT_MAX_ISA does not apply here: each ISA is built explicitly), in
// fp32, in bf16 (AVX512-BF16) and int8 (AVX512-VNNI). The reduced precisions
// are checked against the reference on the values they really multiply
// (src and weight rounded to bf16, or quantized and dequantized by the
// oracle's rule), so the kernel must add exactly those products.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "ops/cpu/matmul.h"
#include "ops/ref/bf16.h"
#include "ops/ref/int8.h"
#include "ops/ref/kernels.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

struct Case {
  int64_t m, k, n;
  Activation activation;
  bool bias, residual;
  std::optional<StaticQuantization> input_quantization{};  // int8: a static input scale
};

struct Variant {
  CpuIsa isa;
  MatMulPrecision precision;
  std::string name() const {
    return std::string(cpu_isa_name(isa)) + " " + matmul_precision_name(precision);
  }
};

std::vector<Variant> variants_to_test() {
  std::vector<Variant> variants;
  for (Variant v : {Variant{CpuIsa::kAvx2, MatMulPrecision::kFloat32},
                    Variant{CpuIsa::kAvx512, MatMulPrecision::kFloat32},
                    Variant{CpuIsa::kAvx512Bf16, MatMulPrecision::kBFloat16},
                    Variant{CpuIsa::kAvx512Vnni, MatMulPrecision::kInt8}}) {
    if (v.isa <= cpu_isa_detected()) {
      variants.push_back(v);
    } else {
      MESSAGE("skipping " << v.name() << ": this CPU has only "
                          << std::string(cpu_isa_name(cpu_isa_detected())));
    }
  }
  return variants;
}

// src [m, k] and weight [n, k] as the kernel of `precision` sees them.
void to_values_multiplied(MatMulPrecision precision, int64_t k,
                          const std::optional<StaticQuantization>& input_quantization,
                          std::vector<float>& src, std::vector<float>& weight) {
  if (precision == MatMulPrecision::kBFloat16) {
    for (float& v : src) v = ref::round_to_bf16(v);
    for (float& v : weight) v = ref::round_to_bf16(v);
  }
  if (precision != MatMulPrecision::kInt8) return;
  for (size_t row = 0; row < src.size() / k; ++row) {
    float* x = src.data() + row * k;
    const ref::RowQuantization q =
        input_quantization
            ? ref::static_row_quantization(*input_quantization)
            : ref::row_quantization(*std::min_element(x, x + k), *std::max_element(x, x + k));
    for (int64_t i = 0; i < k; ++i) x[i] = (ref::quantize_u8(x[i], q) - q.zero_point) * q.scale;
  }
  for (size_t col = 0; col < weight.size() / k; ++col) {
    float* w = weight.data() + col * k;
    float max_abs = 0.0f;
    for (int64_t i = 0; i < k; ++i) max_abs = std::max(max_abs, std::fabs(w[i]));
    const float scale = ref::column_scale(max_abs);
    for (int64_t i = 0; i < k; ++i) w[i] = ref::quantize_s8(w[i], scale) * scale;
  }
}

// Bias spreads the pre-activation values over [-8, 8] so the activations'
// clamped ranges and both signs are exercised.
void check_case(const Variant& variant, const Case& c) {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  CAPTURE(variant.name());
  CAPTURE(c.m);
  CAPTURE(c.k);
  CAPTURE(c.n);
  CAPTURE(activation_name(c.activation));
  CAPTURE(c.residual);
  CAPTURE(c.input_quantization.has_value());
  std::mt19937 rng(seed);
  const std::vector<float> src = random_floats(rng, c.m * c.k);
  const std::vector<float> weight = random_floats(rng, c.n * c.k);
  const std::vector<float> bias = random_floats(rng, c.n, -8.0f, 8.0f);
  const std::vector<float> residual = random_floats(rng, c.m * c.n);

  std::vector<float> src_used = src, weight_used = weight;
  to_values_multiplied(variant.precision, c.k, c.input_quantization, src_used, weight_used);

  ref::MatMulArgs args;
  args.src = src_used.data();
  args.weight = weight_used.data();
  args.bias = c.bias ? bias.data() : nullptr;
  args.residual = c.residual ? residual.data() : nullptr;
  std::vector<float> want(c.m * c.n);
  args.dst = want.data();
  args.m = c.m;
  args.k = c.k;
  args.n = c.n;
  args.activation = c.activation;
  SerialParallel serial;
  ref::matmul(args, serial);

  const cpu::MatMul matmul(variant.isa, {weight.data(), args.bias, c.n, c.k, c.activation,
                                         c.residual, variant.precision, c.input_quantization});
  std::vector<float> got(c.m * c.n, NAN);
  std::vector<uint8_t> scratch(matmul.scratch_bytes(c.m));
  if (variant.precision == MatMulPrecision::kFloat32) CHECK(scratch.empty());
  auto run = [&](Parallel& parallel) {
    matmul.run(src.data(), args.residual, got.data(), c.m, parallel, scratch.data());
  };
  run(serial);
  // Float accumulation over k against the reference's double sums.
  const std::vector<double> want_double(want.begin(), want.end());
  check_close(got, want_double, 2e-6 * std::sqrt(static_cast<double>(c.k)));
  check_threads_match_serial({std::span<float>(got)}, run);
}

constexpr Activation kActivations[] = {Activation::kNone, Activation::kGeluErf,
                                       Activation::kGeluTanh, Activation::kTanh};

TEST_CASE("cpu matmul: every epilogue on odd shapes, tails in m, n and k") {
  for (const Variant& variant : variants_to_test()) {
    for (Activation act : kActivations) {
      for (bool residual : {false, true}) {
        for (const auto& [m, k, n] : {std::array<int64_t, 3>{1, 1, 1},
                                      {1, 7, 5},
                                      {3, 13, 17},
                                      {7, 33, 49},
                                      {9, 100, 47},
                                      {13, 257, 50},
                                      {17, 769, 33},
                                      {8, 64, 48},
                                      {6, 16, 16}}) {
          check_case(variant, {m, k, n, act, true, residual});
        }
      }
      check_case(variant, {5, 31, 97, act, false, false});
    }
    MESSAGE("covered " << variant.name());
  }
}

TEST_CASE("cpu matmul: BERT shapes") {
  for (const Variant& variant : variants_to_test()) {
    const Case cases[] = {
        {1, 768, 768, Activation::kTanh, true, false},       // pooler
        {1, 768, 2, Activation::kNone, true, false},         // classifier
        {16, 768, 2304, Activation::kNone, true, false},     // QKV
        {16, 768, 768, Activation::kNone, true, true},       // attention out
        {16, 768, 3072, Activation::kGeluErf, true, false},  // FFN in
        {16, 3072, 768, Activation::kNone, true, true},      // FFN out
        {128, 768, 3072, Activation::kGeluErf, true, false},
        {31, 3072, 768, Activation::kNone, true, true},
    };
    for (const Case& c : cases) check_case(variant, c);
    MESSAGE("covered " << variant.name());
  }
}

// A static input quantization: int8 quantizes every row with it (checked
// against the oracle quantizing with it), fp32 and bf16 ignore it (checked
// against the unquantized reference). Scales that cover src ([-1, 1]), that
// clamp most of it at both ends, and s8-style zero points (128 +- z).
TEST_CASE("cpu matmul: a static input quantization, int8 uses it, others ignore it") {
  const StaticQuantization quantizations[] = {
      {1.0f / 127.0f, 128}, {0.0037f, 60}, {0.02f, 0}, {0.011f, 255}, {3.0f, 131}};
  for (const Variant& variant : variants_to_test()) {
    for (const StaticQuantization& q : quantizations) {
      CAPTURE(q.scale);
      CAPTURE(q.zero_point);
      for (const auto& [m, k, n] : {std::array<int64_t, 3>{1, 1, 1},
                                    {1, 7, 5},
                                    {1, 768, 33},
                                    {3, 13, 17},
                                    {17, 257, 49},
                                    {33, 64, 48}})
        check_case(variant, {m, k, n, Activation::kGeluErf, true, m % 2 == 1, q});
    }
    MESSAGE("covered " << variant.name());
  }
}

TEST_CASE("cpu matmul: a precision below its ISA is refused, not run in fp32") {
  const std::vector<float> weight(4 * 6, 1.0f);
  auto weights = [&](MatMulPrecision precision) {
    return cpu::MatMulWeights{weight.data(), nullptr, 4, 6, Activation::kNone, false, precision};
  };
  CHECK_THROWS_WITH_AS(cpu::MatMul(CpuIsa::kAvx512Vnni, weights(MatMulPrecision::kBFloat16)),
                       "bf16 MatMul kernels need avx512_bf16, not avx512_vnni", std::runtime_error);
  CHECK_THROWS_WITH_AS(cpu::MatMul(CpuIsa::kAvx512, weights(MatMulPrecision::kInt8)),
                       "int8 MatMul kernels need avx512_vnni, not avx512", std::runtime_error);
}

TEST_CASE("cpu matmul: MINIRT_JIT_DUMP writes each kernel for objdump") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("minirt_jit_dump_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ::setenv("MINIRT_JIT_DUMP", dir.c_str(), 1);
  const std::vector<float> weight(3 * 5, 1.0f);
  for (const Variant& variant : variants_to_test()) {
    const cpu::MatMul matmul(variant.isa, {weight.data(), nullptr, 3, 5, Activation::kGeluErf,
                                           false, variant.precision});
    const std::filesystem::path file = dir / (matmul.kernel_name() + ".bin");
    CAPTURE(file);
    REQUIRE(std::filesystem::exists(file));
    CHECK(std::filesystem::file_size(file) > 0);
  }
  ::unsetenv("MINIRT_JIT_DUMP");
  std::filesystem::remove_all(dir);
}

TEST_CASE("cpu matmul: MINIRT_PERF_MAP=1 names each kernel's code for perf") {
  const std::string map_path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  std::filesystem::remove(map_path);
  ::setenv("MINIRT_PERF_MAP", "1", 1);
  const std::vector<float> weight(3 * 5, 1.0f);
  const cpu::MatMul matmul(CpuIsa::kAvx2, {weight.data(), nullptr, 3, 5, Activation::kNone, false});
  ::unsetenv("MINIRT_PERF_MAP");
  std::ifstream map(map_path);
  REQUIRE_MESSAGE(map.good(), map_path << " was not written");
  std::string line, found;
  while (std::getline(map, line))
    if (line.find(" minirt:" + matmul.kernel_name()) != std::string::npos) found = line;
  CAPTURE(found);
  size_t start = 0, size = 0;
  REQUIRE(std::sscanf(found.c_str(), "%zx %zx", &start, &size) == 2);
  CHECK(size > 0);
  // The range is this process's executable (JIT) memory.
  std::ifstream maps("/proc/self/maps");
  bool executable = false;
  while (std::getline(maps, line)) {
    size_t lo = 0, hi = 0;
    char perms[5] = {};
    if (std::sscanf(line.c_str(), "%zx-%zx %4s", &lo, &hi, perms) == 3 && lo <= start &&
        start + size <= hi)
      executable = perms[2] == 'x';
  }
  CHECK(executable);
  std::filesystem::remove(map_path);
}

}  // namespace
}  // namespace minirt::test
