#!/bin/sh
# The ptxas gate: compiles a .cu (ops/cuda/kernels.cu: every kernel) for each
# architecture given with -Xptxas -v and fails if any kernel has a stack
# frame, spills registers or uses local memory. Prints one line per kernel
# and architecture.
# Usage: ptxas_gate.sh NVCC INCLUDE_DIR SOURCE.cu ARCH...
# (ARCH as CMAKE_CUDA_ARCHITECTURES writes them: 80, 90, 80-real, 90-virtual)
set -eu
nvcc=$1
include=$2
source=$3
shift 3
status=0
for arch in "$@"; do
  arch=${arch%%-*}
  log=$(mktemp)
  if ! "$nvcc" -std=c++20 -cubin -arch="sm_$arch" -Xptxas -v -I"$include" "$source" \
      -o /dev/null >"$log" 2>&1; then
    cat "$log"
    echo "ptxas gate: nvcc failed for sm_$arch"
    rm -f "$log"
    exit 1
  fi
  # ptxas prints, per kernel: the entry, its stack frame and spills, then
  # the registers (and lmem/smem where nonzero).
  awk -v arch="$arch" '
    /Compiling entry function/ { name = $0; sub(/.*function .\047?/, "", name); sub(/\047.*/, "", name) }
    /bytes stack frame/ { stack = $1; spill_st = $5; spill_ld = $9 }
    /Used [0-9]+ registers/ {
      regs = $0; sub(/.*Used /, "", regs); sub(/ registers.*/, "", regs)
      lmem = 0; if (match($0, /[0-9]+ bytes lmem/)) { lmem = substr($0, RSTART, RLENGTH); sub(/ .*/, "", lmem) }
      smem = 0; if (match($0, /[0-9]+ bytes smem/)) { smem = substr($0, RSTART, RLENGTH); sub(/ .*/, "", smem) }
      bad = (stack + spill_st + spill_ld + lmem > 0) ? "FAIL" : "ok"
      printf "sm_%s %-4s regs %3s  stack %s  spill %s/%s  lmem %s  static smem %s  %s\n", arch, bad, regs, stack, spill_st, spill_ld, lmem, smem, name
      if (bad == "FAIL") failed = 1
    }
    END { exit failed }' "$log" >"$log.table" || status=1
  c++filt <"$log.table" 2>/dev/null || cat "$log.table"
  # An empty report means the parsing no longer matches ptxas: fail loudly.
  if ! grep -q "Used [0-9]* registers" "$log"; then
    echo "ptxas gate: no ptxas report for sm_$arch"
    status=1
  fi
  rm -f "$log" "$log.table"
done
[ "$status" -eq 0 ] && echo "ptxas gate: passed" || echo "ptxas gate: FAILED"
exit "$status"
