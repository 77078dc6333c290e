#include "ops/cpu/jit/jit_kernel.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <utility>

namespace minirt::jit {
namespace {

// SysV callee-saved registers, pushed in this order and popped in reverse.
const std::array<Xbyak::Reg64, 6> kCalleeSaved = {Xbyak::util::rbx, Xbyak::util::rbp,
                                                  Xbyak::util::r12, Xbyak::util::r13,
                                                  Xbyak::util::r14, Xbyak::util::r15};

}  // namespace

JitKernel::JitKernel(std::string name, CpuIsa isa)
    : Xbyak::CodeGenerator(4096, Xbyak::AutoGrow), name_(std::move(name)), isa_(isa) {}

bool JitKernel::create(std::string* error) {
  try {
    generate();
    readyRE();  // resolves labels, then flips the pages from RW to RX
  } catch (const Xbyak::Error& e) {
    *error = "JIT kernel " + name_ + ": " + e.what();
    return false;
  }
  dump();
  register_with_perf();
  return true;
}

void JitKernel::preamble() {
  for (const Xbyak::Reg64& reg : kCalleeSaved) push(reg);
#ifndef NDEBUG
  constexpr uint32_t kQuietNan = 0x7fc00000u;
  mov(eax, kQuietNan);
  if (isa_ >= CpuIsa::kAvx512) {
    vpbroadcastd(Xbyak::Zmm(0), eax);
    for (int i = 1; i < 32; ++i) vmovaps(Xbyak::Zmm(i), Xbyak::Zmm(0));
  } else {
    vmovd(Xbyak::Xmm(0), eax);
    vbroadcastss(Xbyak::Ymm(0), Xbyak::Xmm(0));
    for (int i = 1; i < 16; ++i) vmovaps(Xbyak::Ymm(i), Xbyak::Ymm(0));
  }
#endif
}

void JitKernel::postamble() {
  vzeroupper();
  for (auto reg = kCalleeSaved.rbegin(); reg != kCalleeSaved.rend(); ++reg) pop(*reg);
  ret();
}

void JitKernel::dump() const {
  const char* dir = std::getenv("MINIRT_JIT_DUMP");
  if (!dir || !*dir) return;
  const std::string path = std::string(dir) + "/" + name_ + ".bin";
  FILE* file = std::fopen(path.c_str(), "wb");
  const bool written = file && std::fwrite(getCode(), 1, getSize(), file) == getSize();
  if (file) std::fclose(file);
  if (!written) std::fprintf(stderr, "MINIRT_JIT_DUMP: cannot write %s\n", path.c_str());
}

void JitKernel::register_with_perf() const {
  const char* enabled = std::getenv("MINIRT_PERF_MAP");
  if (!enabled || std::string(enabled) != "1") return;
  // One line per kernel, appended: kernels of several sessions may be made at once.
  static std::mutex mutex;
  const std::lock_guard<std::mutex> lock(mutex);
  const std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  FILE* file = std::fopen(path.c_str(), "a");
  const bool written =
      file && std::fprintf(file, "%zx %zx minirt:%s\n", reinterpret_cast<size_t>(getCode()),
                           getSize(), name_.c_str()) > 0;
  if (file) std::fclose(file);
  if (!written) std::fprintf(stderr, "MINIRT_PERF_MAP: cannot write %s\n", path.c_str());
}

}  // namespace minirt::jit
