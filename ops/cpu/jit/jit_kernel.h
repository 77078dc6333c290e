// The one base class of every JIT kernel (after oneDNN's jit_generator):
// SysV parameter registers, preamble/postamble, a create() that reports
// failure instead of throwing, a kernel name, MINIRT_JIT_DUMP, and
// MINIRT_PERF_MAP (so `perf report` names JIT code).
// Code is generated into writable pages that are then made read+execute:
// a page is never writable and executable at once. Kernels write generate().
#pragma once

#include <xbyak/xbyak.h>

#include <string>

#include "ops/cpu/cpu_isa.h"

namespace minirt::jit {

class JitKernel : public Xbyak::CodeGenerator {
 public:
  JitKernel(std::string name, CpuIsa isa);
  JitKernel(const JitKernel&) = delete;
  JitKernel& operator=(const JitKernel&) = delete;

  // Generates the code and makes it executable, then writes it to
  // $MINIRT_JIT_DUMP/<name>.bin when that variable is set, and with
  // MINIRT_PERF_MAP=1 appends "<start> <size> minirt:<name>" to
  // /tmp/perf-<pid>.map, the file perf reads for JIT symbols (failed writes
  // are reported on stderr, not fatal). Returns false and sets *error when
  // xbyak fails (out of memory, bad operand, ...).
  bool create(std::string* error);

  const std::string& name() const { return name_; }
  CpuIsa isa() const { return isa_; }

 protected:
  virtual void generate() = 0;

  // Saves the callee-saved registers; in debug builds also fills every vector
  // register with NaN so a kernel reading one it never wrote fails loudly.
  void preamble();
  // Restores them, clears the upper vector state (vzeroupper) and returns.
  void postamble();

  // SysV AMD64 integer parameters.
  const Xbyak::Reg64 abi_param1 = rdi, abi_param2 = rsi, abi_param3 = rdx, abi_param4 = rcx;

 private:
  void dump() const;
  void register_with_perf() const;

  std::string name_;
  CpuIsa isa_;
};

}  // namespace minirt::jit
