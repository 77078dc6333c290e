// The fused attention kernel with fp32 products against bf16 products, one
// thread, alone: not a test, run build/bin/attention_bench. For each shape
// (BERT's 12 heads of 64, MiniLM's 12 of 32, at seq 128 and 512) the two
// kernels run alternately, and each reports its best and median of the rounds
// (best of: a loaded machine's time slices only add) in ms per call, and the
// bf16 kernel's speedup on both.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "ops/cpu/attention.h"
#include "ops/cpu/cpu_isa.h"

namespace minirt {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kRounds = 40;

struct Shape {
  int64_t seq, heads, head_dim;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void bench(const Shape& shape) {
  const int64_t width = shape.heads * shape.head_dim;
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> uniform(-2.0f, 2.0f);
  std::vector<float> qkv(static_cast<size_t>(shape.seq * 3 * width)), mask(shape.seq, 0.0f),
      dst(static_cast<size_t>(shape.seq * width));
  for (float& x : qkv) x = uniform(rng);
  const ref::AttentionArgs args{
      qkv.data(), mask.data(), dst.data(),     1,
      shape.seq,  shape.heads, shape.head_dim, 1.0f / std::sqrt(float(shape.head_dim))};
  const CpuIsa isa = cpu_isa_in_use();
  const cpu::AttentionKernel kernels[2] = {
      cpu::attention_kernel_for(isa, shape.head_dim, cpu::AttentionProducts::kFloat32),
      cpu::attention_kernel_for(isa, shape.head_dim, cpu::AttentionProducts::kBFloat16)};
  SerialParallel serial;
  std::vector<double> ms[2];
  for (int round = 0; round < kRounds; ++round) {
    for (int k = 0; k < 2; ++k) {
      const auto start = Clock::now();
      kernels[k](args, serial);
      ms[k].push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
  }
  const double best[2] = {*std::min_element(ms[0].begin(), ms[0].end()),
                          *std::min_element(ms[1].begin(), ms[1].end())};
  const double mid[2] = {median(ms[0]), median(ms[1])};
  std::printf(
      "seq %4lld heads %2lld x %3lld  fp32 best %7.3f median %7.3f  bf16 best %7.3f "
      "median %7.3f  speedup best %.2fx median %.2fx\n",
      static_cast<long long>(shape.seq), static_cast<long long>(shape.heads),
      static_cast<long long>(shape.head_dim), best[0], mid[0], best[1], mid[1], best[0] / best[1],
      mid[0] / mid[1]);
}

}  // namespace
}  // namespace minirt

int main() {
  using namespace minirt;
  const CpuIsa isa = cpu_isa_in_use();
  if (cpu::attention_products_for(isa, 64, cpu::AttentionProducts::kBFloat16) !=
      cpu::AttentionProducts::kBFloat16) {
    std::printf("no bf16 attention on %s: it needs AVX512-BF16\n", cpu_isa_name(isa));
    return 0;
  }
  for (const Shape& shape :
       {Shape{128, 12, 64}, Shape{512, 12, 64}, Shape{128, 12, 32}, Shape{512, 12, 32}})
    bench(shape);
  return 0;
}
