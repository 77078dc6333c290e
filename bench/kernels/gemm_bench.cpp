// GEMM throughput of the JIT MatMul against this machine's measured FMA
// peak. Not a test: run build/bin/gemm_bench (MINIRT_MAX_ISA applies).
// `gemm_bench --peak` prints only the per-core peaks as one JSON line
// (bench/e2e/compare.sh reads the int8 one).
//
// Peak: a JIT loop of 12 independent FMA chains on one core, the widest
// vectors the ISA in use has (best of 30 short trials); the int8 peak is the
// same loop of vpdpbusd (64 multiply-adds per zmm instruction). GEMM: the BERT shapes, median of
// repeated runs, on 1 and 2 threads; the target is K=768, N=3072, M=128 on one thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "ops/cpu/cpu_isa.h"
#include "ops/cpu/jit/jit_kernel.h"
#include "ops/cpu/matmul.h"
#include "runtime/threads/thread_pool.h"

namespace minirt {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kChains = 12;  // independent FMAs in flight: latency 4 x 2 pipes, with margin
constexpr int64_t kPeakIterations = 5'000'000;
constexpr int kPeakTrials = 30;  // best of: short trials dodge other processes' time slices

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// kIterations x kChains independent FMAs on the widest vectors of the ISA.
class FmaPeakKernel final : public jit::JitKernel {
 public:
  FmaPeakKernel(CpuIsa isa, bool int8) : jit::JitKernel("fma_peak", isa), int8_(int8) {}
  // Operations (a multiply and an add each) per instruction.
  int ops_per_instruction() const {
    const int lanes = isa() >= CpuIsa::kAvx512 ? 16 : 8;
    return 2 * lanes * (int8_ ? 4 : 1);
  }

 private:
  void generate() override {
    const Xbyak::Reg64 reg_count = abi_param1;
    Xbyak::Label loop;
    preamble();
    if (isa() >= CpuIsa::kAvx512) {
      emit_loop<Xbyak::Zmm>(reg_count, loop);
    } else {
      emit_loop<Xbyak::Ymm>(reg_count, loop);
    }
    postamble();
  }
  template <typename Vmm>
  void emit_loop(const Xbyak::Reg64& reg_count, Xbyak::Label& loop) {
    const Vmm mul(kChains), add(kChains + 1);
    for (int i = 0; i < kChains + 2; ++i) vxorps(Vmm(i), Vmm(i), Vmm(i));
    L(loop);
    for (int i = 0; i < kChains; ++i) {
      if (int8_) {
        vpdpbusd(Vmm(i), mul, add);
      } else {
        vfmadd231ps(Vmm(i), mul, add);
      }
    }
    dec(reg_count);
    jnz(loop);
  }
  bool int8_;
};

// GFLOP/s (GOP/s for int8) of one core.
double peak_gflops(CpuIsa isa, bool int8) {
  FmaPeakKernel kernel(isa, int8);
  std::string error;
  if (!kernel.create(&error)) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 0.0;
  }
  auto* fn = kernel.getCode<void (*)(int64_t)>();
  double best = 0.0;
  for (int trial = 0; trial < kPeakTrials; ++trial) {
    const auto start = Clock::now();
    fn(kPeakIterations);
    const double flops = 1.0 * kChains * kernel.ops_per_instruction() * kPeakIterations;
    best = std::max(best, flops / seconds_since(start) * 1e-9);
  }
  return best;
}

struct Timing {
  double median, best;  // seconds per run
};

// Over enough runs to fill ~0.5 s. With other processes on the machine the
// median moves; the best run is the uncontended figure.
Timing time_matmul(const cpu::MatMul& matmul, const std::vector<float>& src,
                   std::vector<float>& dst, int64_t m, Parallel& parallel) {
  matmul.run(src.data(), nullptr, dst.data(), m, parallel);  // warm caches and pages
  std::vector<double> times;
  const auto begin = Clock::now();
  while (times.size() < 5 || (seconds_since(begin) < 0.5 && times.size() < 1000)) {
    const auto start = Clock::now();
    matmul.run(src.data(), nullptr, dst.data(), m, parallel);
    times.push_back(seconds_since(start));
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return {times[times.size() / 2], *std::min_element(times.begin(), times.end())};
}

int main(int argc, char** argv) {
  const CpuIsa isa = cpu_isa_in_use();
  if (argc == 2 && std::string(argv[1]) == "--peak") {
    std::printf("{\"isa\": \"%s\", \"fp32_gflops\": %.1f", cpu_isa_name(isa),
                isa >= CpuIsa::kAvx2 ? peak_gflops(isa, false) : 0.0);
    if (isa >= CpuIsa::kAvx512Vnni) std::printf(", \"int8_gops\": %.1f", peak_gflops(isa, true));
    std::printf("}\n");
    return 0;
  }
  if (isa < CpuIsa::kAvx2) {
    std::printf("ISA in use is %s: no JIT GEMM to measure\n", cpu_isa_name(isa));
    return 0;
  }
  std::printf("ISA in use: %s\n", cpu_isa_name(isa));
  const double peak = peak_gflops(isa, false);
  std::printf("FMA peak, one core: %.1f GFLOP/s\n\n", peak);

  struct Shape {
    int64_t m, k, n;
  };
  const Shape shapes[] = {{128, 768, 3072}, {128, 768, 768}, {128, 768, 2304}, {128, 3072, 768},
                          {16, 768, 3072},  {16, 768, 768},  {16, 768, 2304},  {16, 3072, 768}};
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  SerialParallel serial;
  ThreadPool pool(2);
  std::printf("%5s %5s %5s %7s %10s %10s %8s %10s %8s\n", "M", "K", "N", "threads", "median us",
              "GFLOP/s", "of peak", "best us", "of peak");
  for (const Shape& s : shapes) {
    std::vector<float> weight(s.n * s.k), bias(s.n), src(s.m * s.k), dst(s.m * s.n);
    for (float& v : weight) v = dist(rng);
    for (float& v : src) v = dist(rng);
    const cpu::MatMul matmul(isa, {weight.data(), bias.data(), s.n, s.k, Activation::kNone, false});
    for (int threads : {1, 2}) {
      Parallel& parallel = threads == 1 ? static_cast<Parallel&>(serial) : pool;
      const Timing t = time_matmul(matmul, src, dst, s.m, parallel);
      const double gflop = 2.0 * s.m * s.k * s.n * 1e-9;
      std::printf("%5lld %5lld %5lld %7d %10.1f %10.1f %7.1f%% %10.1f %7.1f%%\n",
                  static_cast<long long>(s.m), static_cast<long long>(s.k),
                  static_cast<long long>(s.n), threads, t.median * 1e6, gflop / t.median,
                  100.0 * gflop / t.median / (peak * threads), t.best * 1e6,
                  100.0 * gflop / t.best / (peak * threads));
    }
  }
  return 0;
}

}  // namespace
}  // namespace minirt

int main(int argc, char** argv) { return minirt::main(argc, argv); }
