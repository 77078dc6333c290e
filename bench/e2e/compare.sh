#!/usr/bin/env bash
# minirt and ONNX Runtime side by side, alternating in one run on the same
# model, shape and thread count.
#
#   bench/e2e/compare.sh MODEL_DIR [--batch B] [--seq S] [--threads T] [--rounds R] [--iters N]
#                        [--precision fp32|bf16|int8]
#
# MODEL_DIR is a materialized shared model (config.json, model.safetensors,
# model.onnx + model.onnx.data; see ../shared/models/README.md). The HF
# checkpoint is converted with $BUILD/bin/minirt-convert (BUILD defaults to
# build), then each round runs minirt (`minirt run --bench --json`) and ONNX
# Runtime (ort_bench.js: intra-op threads T, inter-op 1, all graph
# optimizations, sequential), each for N timed runs after 3 warmups. Prints
# every round's p50s, the median over rounds of each, and ORT / minirt
# (above 1: minirt is faster). --precision is minirt's (ORT always runs the
# fp32 model): the label says which was compared.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-build}
batch=1 seq=128 threads=1 rounds=5 iters=50 precision=fp32

[ $# -ge 1 ] || { sed -n '5,6p' "$0" >&2; exit 2; }
model_dir=${1%/}
shift
while [ $# -gt 0 ]; do
  case $1 in
    --batch) batch=$2 ;;
    --seq) seq=$2 ;;
    --threads) threads=$2 ;;
    --rounds) rounds=$2 ;;
    --iters) iters=$2 ;;
    --precision) precision=$2 ;;
    *) echo "compare.sh: unknown flag $1" >&2; exit 2 ;;
  esac
  shift 2
done

for f in config.json model.safetensors model.onnx model.onnx.data; do
  [ -f "$model_dir/$f" ] || { echo "compare.sh: $model_dir/$f is missing (materialize the model first)" >&2; exit 1; }
done
[ -d "$here/node_modules/onnxruntime-node" ] ||
  { echo "compare.sh: run 'npm install --ignore-scripts' in $here first" >&2; exit 1; }

name=$(basename "$model_dir")
fb="$build/bench-e2e/$name.fb"
if [ ! -f "$fb" ] || [ "$model_dir/model.safetensors" -nt "$fb" ] || [ "$build/bin/minirt-convert" -nt "$fb" ]; then
  mkdir -p "$(dirname "$fb")"
  "$build/bin/minirt-convert" --hf "$model_dir" -o "$fb" >/dev/null
fi
vocab=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["vocab_size"])' "$model_dir/config.json")

# Each program's output is captured whole before python3 parses it: piping
# straight into python3 would start the interpreter while the benchmark is
# still timing, stealing a core from it.
p50_of() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])["p50_us"])' "$1"; }

echo "$name batch $batch seq $seq threads $threads, minirt $precision: $rounds rounds of $iters timed runs each"
minirt_p50s=() ort_p50s=()
for round in $(seq 1 "$rounds"); do
  minirt_out=$("$build/bin/minirt" run "$fb" --bench --json --batch "$batch" --seq "$seq" \
    --threads "$threads" --warmup 3 --iters "$iters" --precision "$precision")
  ort_out=$(node "$here/ort_bench.js" "$model_dir/model.onnx" --batch "$batch" --seq "$seq" \
    --threads "$threads" --warmup 3 --iters "$iters" --vocab "$vocab")
  minirt_p50=$(p50_of "$minirt_out")
  ort_p50=$(p50_of "$ort_out")
  awk -v r="$round" -v m="$minirt_p50" -v o="$ort_p50" \
    'BEGIN { printf "  round %d  minirt p50 %9.3f ms  onnxruntime p50 %9.3f ms\n", r, m / 1000, o / 1000 }'
  minirt_p50s+=("$minirt_p50") ort_p50s+=("$ort_p50")
done

python3 - "$name" "$batch" "$seq" "$threads" "$precision" "${minirt_p50s[*]}" "${ort_p50s[*]}" <<'PY'
import statistics, sys
name, batch, seq, threads, precision = sys.argv[1:6]
minirt = statistics.median(float(x) for x in sys.argv[6].split()) / 1000
ort = statistics.median(float(x) for x in sys.argv[7].split()) / 1000
print(f"{name} b{batch} s{seq} t{threads}: minirt {precision} {minirt:.3f} ms, onnxruntime 1.30 fp32 {ort:.3f} ms, "
      f"ORT/minirt {ort / minirt:.2f}x")
PY
