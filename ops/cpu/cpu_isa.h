// Which instruction set the CPU kernels target, found by CPUID once and
// capped by MINIRT_MAX_ISA (e.g. MINIRT_MAX_ISA=avx2 on an AVX-512 machine)
// so every lower path can be tested on one box.
#pragma once

namespace minirt {

// Ordered: each level implies the ones below it.
enum class CpuIsa {
  kScalar,      // reference kernels only
  kAvx2,        // AVX2 + FMA
  kAvx512,      // AVX-512 F, BW, DQ, VL
  kAvx512Vnni,  // + AVX512-VNNI
  kAvx512Bf16,  // + AVX512-BF16 (Zen 4 and later, Cooper Lake, Sapphire Rapids)
  kAmx,         // + AMX tiles, int8 and bf16
};

const char* cpu_isa_name(CpuIsa isa);

// What the hardware offers, ignoring the cap.
CpuIsa cpu_isa_detected();

// The detected ISA, lowered to MINIRT_MAX_ISA when that is set. An unknown
// value of MINIRT_MAX_ISA throws Error listing the accepted names.
CpuIsa cpu_isa_in_use();

// Parses "scalar", "avx2", "avx512", "avx512_vnni", "avx512_bf16", "amx".
bool cpu_isa_from_name(const char* name, CpuIsa* isa);

}  // namespace minirt
