#!/bin/sh
# bench/gpu.sh's path on a machine without a GPU (--quick: no inner test
# suite or CPU benchmark): it must finish, report every GPU part as skipped
# for want of a GPU, and write a valid JSON and markdown report. Exits 77
# (ctest's SKIP_RETURN_CODE) where a GPU is present: there the script runs
# for real, by hand.
# Usage: gpu_sh_no_gpu.sh SOURCE_DIR BUILD_DIR OUT_DIR
set -eu
src=$1 build=$2 out=$3
if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
  echo "a GPU is present: run bench/gpu.sh itself"
  exit 77
fi
rm -rf "$out"
status=0
BUILD=$build OUT=$out "$src/bench/gpu.sh" --skip-build --quick || status=$?
[ "$status" -eq 0 ] || { echo "gpu.sh exited $status"; exit 1; }
test -s "$out/gpu-report.md"
python3 - "$out/gpu-report.json" <<'PY'
import json, sys
parts = {p["part"]: p for p in json.load(open(sys.argv[1]))["parts"]}
gpu_parts = ["gpu", "sanitizer_memcheck", "sanitizer_racecheck", "graph_probe", "host_latency_b1_s16"]
gpu_parts += [p for p in parts if p.startswith(("accuracy_", "vs_torch_"))]
assert sum(p.startswith("accuracy_") for p in parts) == 5, sorted(parts)
assert sum(p.startswith("vs_torch_") for p in parts) == 3, sorted(parts)
for name in gpu_parts:
    assert parts[name]["status"] == "skipped", parts[name]
    assert parts[name]["detail"].startswith("no GPU"), parts[name]
assert parts["build"]["status"] == "ran", parts["build"]
print("gpu.sh without a GPU: %d GPU parts reported skipped" % len(gpu_parts))
PY
