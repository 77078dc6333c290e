// Runs a check on each ISA build of a CPU kernel that this machine can run
// (within MINIRT_MAX_ISA), says which ran, and says why the others skipped.
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>

#include "ops/cpu/cpu_isa.h"

namespace minirt::test {

// True when this machine (within MINIRT_MAX_ISA) runs `isa`; else says why
// the caller skips.
inline bool isa_runs_here(CpuIsa isa) {
  if (isa <= cpu_isa_in_use()) return true;
  MESSAGE("skipped " << std::string(cpu_isa_name(isa)) << ": this machine runs up to "
                     << std::string(cpu_isa_name(cpu_isa_in_use())));
  return false;
}

template <typename Kernel>
struct IsaKernel {
  CpuIsa isa;
  Kernel kernel;
};

template <typename Kernel, typename Check>
void for_each_runnable_isa(std::initializer_list<IsaKernel<Kernel>> kernels, Check&& check) {
  for (const IsaKernel<Kernel>& entry : kernels) {
    if (!isa_runs_here(entry.isa)) continue;
    MESSAGE("ran " << std::string(cpu_isa_name(entry.isa)));
    CAPTURE(cpu_isa_name(entry.isa));
    check(entry.kernel);
  }
}

}  // namespace minirt::test
