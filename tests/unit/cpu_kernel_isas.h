// Runs a check on each ISA build of a CPU kernel that this machine can run
// (within MINIRT_MAX_ISA), says which ran, and says why the others skipped.
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>

#include "ops/cpu/cpu_isa.h"

namespace minirt::test {

template <typename Kernel>
struct IsaKernel {
  CpuIsa isa;
  Kernel kernel;
};

template <typename Kernel, typename Check>
void for_each_runnable_isa(std::initializer_list<IsaKernel<Kernel>> kernels, Check&& check) {
  const CpuIsa available = cpu_isa_in_use();
  for (const IsaKernel<Kernel>& entry : kernels) {
    if (entry.isa > available) {
      MESSAGE("skipped " << std::string(cpu_isa_name(entry.isa)) << ": this machine runs up to "
                         << std::string(cpu_isa_name(available)));
      continue;
    }
    MESSAGE("ran " << std::string(cpu_isa_name(entry.isa)));
    CAPTURE(cpu_isa_name(entry.isa));
    check(entry.kernel);
  }
}

}  // namespace minirt::test
