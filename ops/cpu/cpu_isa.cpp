#include "ops/cpu/cpu_isa.h"

#include <xbyak/xbyak_util.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

namespace minirt {

const char* cpu_isa_name(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::kScalar:
      return "scalar";
    case CpuIsa::kAvx2:
      return "avx2";
    case CpuIsa::kAvx512:
      return "avx512";
    case CpuIsa::kAvx512Vnni:
      return "avx512_vnni";
    case CpuIsa::kAvx512Bf16:
      return "avx512_bf16";
    case CpuIsa::kAmx:
      return "amx";
  }
  return "?";
}

bool cpu_isa_from_name(const char* name, CpuIsa* isa) {
  for (CpuIsa candidate : {CpuIsa::kScalar, CpuIsa::kAvx2, CpuIsa::kAvx512, CpuIsa::kAvx512Vnni,
                           CpuIsa::kAvx512Bf16, CpuIsa::kAmx}) {
    if (std::strcmp(name, cpu_isa_name(candidate)) == 0) {
      *isa = candidate;
      return true;
    }
  }
  return false;
}

CpuIsa cpu_isa_detected() {
  using Cpu = Xbyak::util::Cpu;
  const Cpu cpu;
  if (!cpu.has(Cpu::tAVX2) || !cpu.has(Cpu::tFMA)) return CpuIsa::kScalar;
  if (!cpu.has(Cpu::tAVX512F) || !cpu.has(Cpu::tAVX512BW) || !cpu.has(Cpu::tAVX512DQ) ||
      !cpu.has(Cpu::tAVX512VL))
    return CpuIsa::kAvx2;
  if (!cpu.has(Cpu::tAVX512_VNNI)) return CpuIsa::kAvx512;
  if (!cpu.has(Cpu::tAVX512_BF16)) return CpuIsa::kAvx512Vnni;
  if (!cpu.has(Cpu::tAMX_TILE) || !cpu.has(Cpu::tAMX_INT8) || !cpu.has(Cpu::tAMX_BF16))
    return CpuIsa::kAvx512Bf16;
  return CpuIsa::kAmx;
}

CpuIsa cpu_isa_in_use() {
  const CpuIsa detected = cpu_isa_detected();
  const char* cap_name = std::getenv("MINIRT_MAX_ISA");
  if (!cap_name || !*cap_name) return detected;
  CpuIsa cap;
  if (!cpu_isa_from_name(cap_name, &cap))
    throw std::invalid_argument(
        std::string("MINIRT_MAX_ISA='") + cap_name +
        "' is not one of scalar, avx2, avx512, avx512_vnni, avx512_bf16, amx");
  return cap < detected ? cap : detected;
}

}  // namespace minirt
