// The JIT MatMul against the reference kernel, for every ISA this machine
// has (MINIRT_MAX_ISA does not apply here: each ISA is built explicitly).
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "ops/cpu/matmul.h"
#include "ops/ref/kernels.h"
#include "tests/unit/test_util.h"

namespace minirt::test {
namespace {

struct Case {
  int64_t m, k, n;
  Activation activation;
  bool bias, residual;
};

std::vector<CpuIsa> isas_to_test() {
  std::vector<CpuIsa> isas;
  for (CpuIsa isa : {CpuIsa::kAvx2, CpuIsa::kAvx512}) {
    if (isa <= cpu_isa_detected()) {
      isas.push_back(isa);
    } else {
      MESSAGE("skipping " << std::string(cpu_isa_name(isa)) << ": this CPU has only "
                          << std::string(cpu_isa_name(cpu_isa_detected())));
    }
  }
  return isas;
}

// Bias spreads the pre-activation values over [-8, 8] so the activations'
// clamped ranges and both signs are exercised.
void check_case(CpuIsa isa, const Case& c) {
  const uint32_t seed = fresh_seed();
  CAPTURE(seed);
  CAPTURE(cpu_isa_name(isa));
  CAPTURE(c.m);
  CAPTURE(c.k);
  CAPTURE(c.n);
  CAPTURE(activation_name(c.activation));
  CAPTURE(c.residual);
  std::mt19937 rng(seed);
  const std::vector<float> src = random_floats(rng, c.m * c.k);
  const std::vector<float> weight = random_floats(rng, c.n * c.k);
  const std::vector<float> bias = random_floats(rng, c.n, -8.0f, 8.0f);
  const std::vector<float> residual = random_floats(rng, c.m * c.n);

  ref::MatMulArgs args;
  args.src = src.data();
  args.weight = weight.data();
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

  const cpu::MatMul matmul(isa, {weight.data(), args.bias, c.n, c.k, c.activation, c.residual});
  std::vector<float> got(c.m * c.n, NAN);
  auto run = [&](Parallel& parallel) {
    matmul.run(src.data(), args.residual, got.data(), c.m, parallel);
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
  for (CpuIsa isa : isas_to_test()) {
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
          check_case(isa, {m, k, n, act, true, residual});
        }
      }
      check_case(isa, {5, 31, 97, act, false, false});
    }
    MESSAGE("covered " << std::string(cpu_isa_name(isa)));
  }
}

TEST_CASE("cpu matmul: BERT shapes") {
  for (CpuIsa isa : isas_to_test()) {
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
    for (const Case& c : cases) check_case(isa, c);
    MESSAGE("covered " << std::string(cpu_isa_name(isa)));
  }
}

TEST_CASE("cpu matmul: MINIRT_JIT_DUMP writes each kernel for objdump") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("minirt_jit_dump_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ::setenv("MINIRT_JIT_DUMP", dir.c_str(), 1);
  const std::vector<float> weight(3 * 5, 1.0f);
  for (CpuIsa isa : isas_to_test()) {
    const cpu::MatMul matmul(isa, {weight.data(), nullptr, 3, 5, Activation::kGeluErf, false});
    const std::filesystem::path file = dir / (matmul.kernel_name() + ".bin");
    CAPTURE(file);
    REQUIRE(std::filesystem::exists(file));
    CHECK(std::filesystem::file_size(file) > 0);
  }
  ::unsetenv("MINIRT_JIT_DUMP");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace minirt::test
