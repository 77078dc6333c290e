#!/usr/bin/env bash
# minirt and ONNX Runtime side by side, alternating in one run on the same
# model, shape and thread count.
#
#   bench/e2e/compare.sh MODEL_DIR [--batch B] [--seq S] [--threads T] [--rounds R] [--iters N]
#                        [--precision fp32|bf16|int8] [--onnx FILE]
#
# MODEL_DIR is a materialized shared model (config.json, model.safetensors,
# model.onnx + model.onnx.data; see ../shared/models/README.md). The HF
# checkpoint is converted with $BUILD/bin/minirt-convert (BUILD defaults to
# build), then each round runs minirt (`minirt run --bench --json`) and ONNX
# Runtime (ort_bench.js: intra-op threads T, inter-op 1, all graph
# optimizations, sequential), each for N timed runs after 3 warmups. Prints
# every round's p50s, the median over rounds of each, and ORT / minirt
# (above 1: minirt is faster). --precision is minirt's; ONNX Runtime runs the
# same precision where it can:
#   int8  ONNX Runtime's dynamic-int8 copy of model.onnx (ort_int8_model.py:
#         per-channel symmetric s8 weights, DynamicQuantizeLinear +
#         MatMulInteger + scale Mul, which it fuses into its int8 kernels),
#         written beside the model once; then one profiled minirt run gives
#         its MatMul time as a fraction of the VNNI peak (gemm_bench --peak);
#   bf16  model.onnx in fp32: ONNX Runtime has no bf16 CPU kernels.
# --onnx FILE (an ONNX graph in MODEL_DIR, e.g. model.qdq.onnx): minirt
# converts that file instead of the HF checkpoint and ONNX Runtime runs the
# same file whatever the precision (a QDQ model carries its own int8).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-build}
batch=1 seq=128 threads=1 rounds=5 iters=50 precision=fp32 onnx=

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
    --onnx) onnx=$2 ;;
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
source=("--hf" "$model_dir") source_file="$model_dir/model.safetensors" fb="$build/bench-e2e/$name.fb"
if [ -n "$onnx" ]; then
  [ -f "$model_dir/$onnx" ] || { echo "compare.sh: $model_dir/$onnx is missing" >&2; exit 1; }
  source=("$model_dir/$onnx") source_file="$model_dir/$onnx" fb="$build/bench-e2e/$name.${onnx%.onnx}.fb"
fi
if [ ! -f "$fb" ] || [ "$source_file" -nt "$fb" ] || [ "$build/bin/minirt-convert" -nt "$fb" ]; then
  mkdir -p "$(dirname "$fb")"
  "$build/bin/minirt-convert" "${source[@]}" -o "$fb" >/dev/null
fi
ort_model="$model_dir/model.onnx" ort_label="fp32"
case ${onnx:+given}$precision in
  given*) ort_model="$model_dir/$onnx" ort_label="$onnx" ;;
  int8)
    ort_model="$model_dir/model.ort-int8.onnx" ort_label="int8 (dynamic, per-channel s8 weights)"
    if [ ! -f "$ort_model" ] || [ "$model_dir/model.onnx" -nt "$ort_model" ] ||
       [ "$here/ort_int8_model.py" -nt "$ort_model" ]; then
      /usr/bin/python3 "$here/ort_int8_model.py" "$model_dir/model.onnx" "$ort_model"
    fi ;;
  bf16) ort_label="fp32 (no bf16 CPU kernels)" ;;
esac
vocab=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["vocab_size"])' "$model_dir/config.json")

# Each program's output is captured whole before python3 parses it: piping
# straight into python3 would start the interpreter while the benchmark is
# still timing, stealing a core from it.
p50_of() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])["p50_us"])' "$1"; }

echo "$name batch $batch seq $seq threads $threads, minirt $precision vs onnxruntime $ort_label:" \
  "$rounds rounds of $iters timed runs each"
minirt_p50s=() ort_p50s=()
for round in $(seq 1 "$rounds"); do
  minirt_out=$("$build/bin/minirt" run "$fb" --bench --json --batch "$batch" --seq "$seq" \
    --threads "$threads" --warmup 3 --iters "$iters" --precision "$precision")
  ort_out=$(node "$here/ort_bench.js" "$ort_model" --batch "$batch" --seq "$seq" \
    --threads "$threads" --warmup 3 --iters "$iters" --vocab "$vocab")
  minirt_p50=$(p50_of "$minirt_out")
  ort_p50=$(p50_of "$ort_out")
  awk -v r="$round" -v m="$minirt_p50" -v o="$ort_p50" \
    'BEGIN { printf "  round %d  minirt p50 %9.3f ms  onnxruntime p50 %9.3f ms\n", r, m / 1000, o / 1000 }'
  minirt_p50s+=("$minirt_p50") ort_p50s+=("$ort_p50")
done

python3 - "$name" "$batch" "$seq" "$threads" "$precision" "${minirt_p50s[*]}" "${ort_p50s[*]}" "$ort_label" <<'PY'
import statistics, sys
name, batch, seq, threads, precision = sys.argv[1:6]
minirt = statistics.median(float(x) for x in sys.argv[6].split()) / 1000
ort = statistics.median(float(x) for x in sys.argv[7].split()) / 1000
print(f"{name} b{batch} s{seq} t{threads}: minirt {precision} {minirt:.3f} ms, onnxruntime 1.30 {sys.argv[8]} "
      f"{ort:.3f} ms, ORT/minirt {ort / minirt:.2f}x")
PY

# int8: minirt's MatMul ops (the weight GEMMs, not attention) against the
# measured VNNI peak of the threads used.
if [ "$precision" = int8 ]; then
  profile_out=$("$build/bin/minirt" run "$fb" --bench --json --profile --batch "$batch" --seq "$seq" \
    --threads "$threads" --warmup 3 --iters "$iters" --precision int8)
  peak_out=$("$build/bin/gemm_bench" --peak)
  python3 - "$model_dir/config.json" "$batch" "$seq" "$threads" "$profile_out" "$peak_out" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
batch, seq, threads = (int(x) for x in sys.argv[2:5])
lines = [json.loads(line) for line in sys.argv[5].splitlines() if line.strip()]
profile = next(line for line in lines if "op_profile" in line)
peak = json.loads(sys.argv[6]).get("int8_gops")
hidden, inner, layers = config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]
gop = 2 * batch * seq * layers * (4 * hidden * hidden + 2 * hidden * inner) * 1e-9
kinds = {}
for op in profile["op_profile"]:
    kinds[op["kind"]] = kinds.get(op["kind"], 0) + op["ms_per_run"]
total = profile["ops_ms_per_run"]
shares = ", ".join(f"{k} {ms:.3f} ms ({100 * ms / total:.0f}%)" for k, ms in
                   sorted(kinds.items(), key=lambda kv: -kv[1])[:4])
matmul_ms = kinds.get("MatMul", 0)
line = f"  minirt int8 profile: {shares}; MatMul {gop:.2f} GOP in {matmul_ms:.3f} ms = {gop / matmul_ms * 1e3:.0f} GOP/s"
if peak:
    line += f", {100 * gop / matmul_ms * 1e3 / (peak * threads):.0f}% of the VNNI peak ({peak:.0f} GOP/s per core x {threads})"
print(line)
PY
fi
