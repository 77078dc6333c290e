#!/usr/bin/env bash
# The one GPU script (issue 10): everything a rare, short GPU window is for,
# in one run of at most ~6 minutes, writing $OUT/gpu-report.md and .json.
#
#   bench/gpu.sh --prepare        here, with network: fill .gpu/ (git-ignored)
#                                 with the build's Debian packages and the
#                                 shared models, to be carried to the GPU machine
#   bench/gpu.sh [--skip-build] [--quick] [--pretend-gpu]
#                                 the run. --skip-build uses $BUILD as it is;
#                                 --quick (the ctest of this script) also skips
#                                 the test suite and the CPU benchmark;
#                                 --pretend-gpu runs the GPU parts without a
#                                 GPU, on minirt's --device $DEVICE (cpu), to
#                                 check this script itself before a GPU window.
#
# Parts: build for sm_90a only; the CUDA tests on the GPU; compute-sanitizer
# memcheck and racecheck on a short run; accuracy of every shared model with
# --device cuda against the float64 references (tolerance 2e-2); the
# CUDA-graph cost per node (bench/gpu/graph_probe.cu); minirt against
# PyTorch fp16 SDPA in a CUDA graph at the issue's shapes, and minirt's host
# latency at batch 1, seq 16; the CPU backend against ONNX Runtime at 16
# threads. Without a GPU every GPU part is reported as skipped and the rest
# runs. Each part's outcome is one row of the report; the script fails only
# when a part that ran failed.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
gpu_dir=$root/.gpu
OUT=${OUT:-$root/gpu-out}
BUILD=${BUILD:-build-gpu}
CPU_THREADS=${CPU_THREADS:-16}
BENCH_ITERS=${BENCH_ITERS:-200}  # timed runs per minirt benchmark
DEVICE=${DEVICE:-cuda}  # minirt's device for the GPU parts
MODELS="bert-tiny bert-tiny-cls minilm-l3-384 bert-3l-768 trained-l3-h256"
# What the build needs beyond a compiler, CMake and CUDA (the Makefile's list).
DEBS="flatbuffers-compiler libflatbuffers2 libflatbuffers-dev doctest-dev libxbyak-dev nlohmann-json3-dev"

prepare() {
  local shared=$root/../shared/models
  rm -rf "$gpu_dir" && mkdir -p "$gpu_dir/debs" "$gpu_dir/models"
  (cd "$gpu_dir/debs" && apt-get download $DEBS) || { echo "gpu.sh: apt-get download failed" >&2; exit 1; }
  cp "$shared/materialize.py" "$gpu_dir/models/"
  for m in $MODELS; do
    # Random-weight models travel as recipe + graphs (materialize.py rebuilds
    # the weights there); the trained one with its weights.
    mkdir -p "$gpu_dir/models/$m"
    for f in config.json recipe.json model.onnx model.safetensors; do
      if [ -f "$shared/$m/$f" ] && { [ "$f" != model.safetensors ] || [ ! -f "$shared/$m/recipe.json" ]; }; then
        cp "$shared/$m/$f" "$gpu_dir/models/$m/"
      fi
    done
    cp -r "$shared/$m/refs" "$gpu_dir/models/$m/"
  done
  du -sh "$gpu_dir"
  echo "gpu.sh --prepare: carry .gpu (under 64 MiB with the tree) to the GPU machine"
}

if [ "${1:-}" = "--prepare" ]; then
  prepare
  exit 0
fi
skip_build=0 quick=0 pretend=0
for arg in "$@"; do
  case $arg in
    --skip-build) skip_build=1 ;;
    --quick) quick=1 ;;
    --pretend-gpu) pretend=1 ;;
    *) echo "gpu.sh: unknown flag $arg" >&2; exit 2 ;;
  esac
done

mkdir -p "$OUT"
rows=$OUT/gpu-report.tsv
: >"$rows"
logs=$OUT/logs
mkdir -p "$logs"
failed=0
# record PART STATUS(ran|failed|skipped) DETAIL [JSON]
record() {
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >>"$rows"
  echo "[$2] $1: $3"
  [ "$2" = failed ] && failed=1
  return 0
}

started=$(date +%s)
gpu=""
if [ $pretend = 1 ]; then
  gpu="none (--pretend-gpu: the GPU parts on --device $DEVICE)"
  record gpu ran "$gpu"
elif ! command -v nvidia-smi >/dev/null; then
  record gpu skipped "no GPU: no nvidia-smi"
elif nvidia-smi -L >"$logs/nvidia-smi.txt" 2>&1; then
  gpu=$(head -n 1 "$logs/nvidia-smi.txt")
  record gpu ran "$gpu"
else
  record gpu skipped "no GPU: nvidia-smi -L: $(head -c 200 "$logs/nvidia-smi.txt" | tr '\n\t' '  ')"
fi
no_gpu="no GPU on this machine"

# Build deps carried by --prepare, used only where the system lacks them.
# Unpacked outside .gpu (which must stay small to carry) and $OUT (which
# comes back).
if [ -d "$gpu_dir/debs" ]; then
  deps=${TMPDIR:-/tmp}/minirt-gpu-deps
  for deb in "$gpu_dir"/debs/*.deb; do dpkg -x "$deb" "$deps"; done
  export PATH=$PATH:$deps/usr/bin
  export LD_LIBRARY_PATH=${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$deps/usr/lib/x86_64-linux-gnu
  export CMAKE_PREFIX_PATH=${CMAKE_PREFIX_PATH:+$CMAKE_PREFIX_PATH;}$deps/usr
  export CPATH=${CPATH:+$CPATH:}$deps/usr/include
fi
export PATH=$PATH:/usr/local/cuda/bin

# --- build: sm_90a only where a GPU is (the H200's), else what $BUILD has.
if [ $skip_build = 1 ]; then
  [ -x "$BUILD/bin/minirt" ] && record build ran "--skip-build: $BUILD as it is" ||
    record build failed "--skip-build: $BUILD/bin/minirt is missing"
else
  arch=()
  [ -n "$gpu" ] && [ $pretend = 0 ] && arch=(-DCMAKE_CUDA_ARCHITECTURES=90a-real)
  t0=$(date +%s)
  if cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release "${arch[@]}" >"$logs/build.log" 2>&1 &&
     cmake --build "$BUILD" -j"$(nproc)" >>"$logs/build.log" 2>&1; then
    cuda=$(grep -E '^MINIRT_CUDA:BOOL=' "$BUILD/CMakeCache.txt" | cut -d= -f2)
    record build ran "$(( $(date +%s) - t0 )) s, MINIRT_CUDA=$cuda ${arch[*]}"
  else
    record build failed "see logs/build.log: $(tail -n 3 "$logs/build.log" | tr '\n\t' '  ')"
  fi
fi
bin=$BUILD/bin
cuda_built=0
grep -q '^MINIRT_CUDA:BOOL=ON' "$BUILD/CMakeCache.txt" 2>/dev/null && cuda_built=1

# --- the CUDA tests (label cuda: ptxas gate, --device cuda errors; simt:
# the kernels on the emulator). On a GPU cuda_no_device skips itself.
if [ $quick = 1 ]; then
  record cuda_tests skipped "--quick"
elif ctest --test-dir "$BUILD" -L 'cuda|simt' --output-on-failure --timeout 120 >"$logs/ctest.log" 2>&1; then
  record cuda_tests ran "$(grep -E 'tests passed' "$logs/ctest.log")$([ -n "$gpu" ] || echo " (no GPU: the emulator, the ptxas gate and the no-device errors)")"
else
  record cuda_tests failed "see logs/ctest.log: $(grep -E 'tests passed|\(Failed\)' "$logs/ctest.log" | tr '\n\t' '  ')"
fi

# --- models: materialized and converted once, into $BUILD (never into .gpu,
# which must stay small enough to carry).
work_models=$BUILD/gpu-models
fb_dir=$BUILD/gpu-fb
model_src() {  # NAME -> its folder: materialized, carried, or the ctest fixture's
  if [ -f "$work_models/$1/model.safetensors" ]; then echo "$work_models/$1"
  elif [ -d "$gpu_dir/models/$1" ]; then echo "$gpu_dir/models/$1"
  else echo "$BUILD/models/$1"; fi
}
convert_model() {  # NAME -> prints the .fb path, or fails
  local src fb
  src=$(model_src "$1") fb=$fb_dir/$1.fb
  [ -f "$fb" ] && { echo "$fb"; return 0; }
  mkdir -p "$fb_dir" "$work_models"
  if [ ! -f "$src/model.safetensors" ] && [ -f "$src/recipe.json" ]; then
    python3 "$(dirname "$src")/materialize.py" "$src" --out "$work_models/$1" >>"$logs/models.log" 2>&1 || return 1
    src=$work_models/$1
  fi
  "$bin/minirt-convert" --hf "$src" --max-batch 32 -o "$fb" >>"$logs/models.log" 2>&1 || return 1
  echo "$fb"
}

# --- compute-sanitizer on a short run (bert-tiny's references).
for tool in memcheck racecheck; do
  if [ -z "$gpu" ]; then record "sanitizer_$tool" skipped "$no_gpu"; continue; fi
  if ! command -v compute-sanitizer >/dev/null; then record "sanitizer_$tool" skipped "no compute-sanitizer"; continue; fi
  fb=$(convert_model bert-tiny) || { record "sanitizer_$tool" failed "bert-tiny did not convert"; continue; }
  if timeout 120 compute-sanitizer --tool "$tool" --error-exitcode 3 "$bin/minirt" run "$fb" \
       --refs "$(model_src bert-tiny)/refs" --device "$DEVICE" --tol 2e-2 >"$logs/sanitizer_$tool.log" 2>&1; then
    record "sanitizer_$tool" ran "$(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$logs/sanitizer_$tool.log" | head -n 1)"
  else
    record "sanitizer_$tool" failed "exit $?; see logs/sanitizer_$tool.log: $(tail -n 3 "$logs/sanitizer_$tool.log" | tr '\n\t' '  ')"
  fi
done

# --- accuracy: every shared model, --device cuda, against the float64 refs.
for m in $MODELS; do
  if [ -z "$gpu" ]; then record "accuracy_$m" skipped "$no_gpu"; continue; fi
  fb=$(convert_model "$m") || { record "accuracy_$m" failed "did not convert: see logs/models.log"; continue; }
  if "$bin/minirt" run "$fb" --refs "$(model_src "$m")/refs" --device "$DEVICE" --tol 2e-2 >"$logs/accuracy_$m.log" 2>&1; then
    status=ran
  else
    status=failed
  fi
  worst=$(grep -oE 'max_abs_err [0-9.e+-]+' "$logs/accuracy_$m.log" | awk '{ if ($2 > w) w = $2 } END { print w + 0 }')
  record "accuracy_$m" $status "max abs error $worst (tolerance 2e-2); $(tail -n 1 "$logs/accuracy_$m.log")" "{\"max_abs_error\": $worst}"
done

# --- the CUDA-graph cost per kernel node.
if [ -z "$gpu" ]; then
  record graph_probe skipped "$no_gpu"
elif nvcc -O2 -arch=sm_90a bench/gpu/graph_probe.cu -o "$OUT/graph_probe" >"$logs/graph_probe.log" 2>&1 &&
     "$OUT/graph_probe" >"$logs/graph_probe.json" 2>>"$logs/graph_probe.log"; then
  record graph_probe ran "$(cat "$logs/graph_probe.json")" "$(cat "$logs/graph_probe.json")"
else
  record graph_probe failed "see logs/graph_probe.log"
fi

# --- minirt against PyTorch (fp16, SDPA, CUDA graph) at the issue's shapes.
# minirt's figure is its host wall time per run (inputs in, graph replay,
# outputs out), PyTorch's the device time of a graph replay: minirt's
# includes what PyTorch's leaves out.
minirt_bench() {  # FB BATCH SEQ DEVICE THREADS -> p50 us
  "$bin/minirt" run "$1" --bench --batch "$2" --seq "$3" --device "$4" --threads "$5" --iters "$BENCH_ITERS" --json \
    2>>"$logs/bench.log" | python3 -c 'import json,sys; print(json.load(sys.stdin)["p50_us"])'
}
shapes="bert-3l-768:1:128:40 bert-3l-768:32:128:400 minilm-l3-384:1:128:25"
if [ -z "$gpu" ]; then
  for s in $shapes; do record "vs_torch_${s%:*}" skipped "$no_gpu"; done
  record host_latency_b1_s16 skipped "$no_gpu"
else
  specs=()
  for s in $shapes; do
    IFS=: read -r m b q target <<<"$s"
    specs+=("$m:$b:$q=$(model_src "$m")/config.json:$b:$q")
  done
  if timeout 150 python3 bench/gpu/torch_bench.py "${specs[@]}" >"$logs/torch.json" 2>"$logs/torch.log"; then
    torch_ok=1
  else
    torch_ok=0
    record torch_bench failed "see logs/torch.log: $(tail -n 2 "$logs/torch.log" | tr '\n\t' '  ')"
  fi
  for s in $shapes; do
    IFS=: read -r m b q target <<<"$s"
    fb=$(convert_model "$m") && us=$(minirt_bench "$fb" "$b" "$q" "$DEVICE" 1) || {
      record "vs_torch_$m:$b:$q" failed "minirt did not run: see logs/bench.log"; continue; }
    torch_us=null
    [ $torch_ok = 1 ] && torch_us=$(python3 -c 'import json,sys; print(next(x["torch_graph_median_us"] for x in json.load(open(sys.argv[1]))["shapes"] if x["name"] == sys.argv[2]))' "$logs/torch.json" "$m:$b:$q")
    record "vs_torch_$m:$b:$q" ran "minirt p50 $us us (target <= $target us), PyTorch graph replay $torch_us us" \
      "{\"minirt_p50_us\": $us, \"torch_graph_median_us\": $torch_us, \"target_us\": $target}"
  done
  fb=$(convert_model bert-3l-768) && us=$(minirt_bench "$fb" 1 16 "$DEVICE" 1) &&
    record host_latency_b1_s16 ran "bert-3l-768 batch 1 seq 16: p50 $us us (copy in, run, copy out)" "{\"p50_us\": $us}" ||
    record host_latency_b1_s16 failed "see logs/bench.log"
fi

# --- the CPU backend against ONNX Runtime at CPU_THREADS threads.
if [ $quick = 1 ]; then
  record cpu_vs_ort skipped "--quick"
elif ! python3 -c 'import onnxruntime, numpy' 2>/dev/null; then
  record cpu_vs_ort skipped "no python onnxruntime here"
else
  src=$(model_src bert-3l-768)
  if fb=$(convert_model bert-3l-768) && [ -f "$src/model.onnx" ] &&
     minirt_us=$(minirt_bench "$fb" 1 128 cpu "$CPU_THREADS") &&
     ort=$(timeout 120 python3 bench/gpu/ort_cpu_bench.py "$src/model.onnx" 1 128 "$CPU_THREADS" 2>>"$logs/bench.log"); then
    ort_us=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["ort_median_us"])' "$ort")
    record cpu_vs_ort ran "bert-3l-768 batch 1 seq 128, $CPU_THREADS threads: minirt p50 $minirt_us us, ORT median $ort_us us" \
      "{\"minirt_p50_us\": $minirt_us, \"ort_median_us\": $ort_us, \"threads\": $CPU_THREADS}"
  else
    record cpu_vs_ort failed "see logs/bench.log and logs/models.log"
  fi
fi

record total ran "$(( $(date +%s) - started )) s"
python3 - "$rows" "$OUT" <<'PY'
import json, sys
rows, out = sys.argv[1], sys.argv[2]
parts = []
for line in open(rows):
    name, status, detail, data = (line.rstrip("\n").split("\t") + [""])[:4]
    part = {"part": name, "status": status, "detail": detail}
    if data:
        part["data"] = json.loads(data)
    parts.append(part)
json.dump({"parts": parts}, open(f"{out}/gpu-report.json", "w"), indent=1)
with open(f"{out}/gpu-report.md", "w") as md:
    md.write("# bench/gpu.sh report\n\n| part | status | detail |\n|---|---|---|\n")
    for p in parts:
        md.write(f"| {p['part']} | {p['status']} | {p['detail'].replace('|', '/')} |\n")
PY
echo "gpu.sh: wrote $OUT/gpu-report.md and gpu-report.json"
exit $failed
