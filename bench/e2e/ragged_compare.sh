#!/usr/bin/env bash
# Padding-free batches side by side, in one run: on each length mix and
# thread count, tokens/s of minirt ragged (Session::run_ragged), minirt padded
# (the same batches padded to each batch's longest) and ONNX Runtime fed the
# same batches padded the same way (the best a padded runtime can do).
#
#   bench/e2e/ragged_compare.sh MODEL_DIR [--mixes "FILE ..."] [--threads "1 2"] [--rounds R]
#                               [--batch-tokens N] [--batches N] [--iters N] [--precision P]
#                               [--ort-model FILE]
#
# MODEL_DIR is a materialized shared model (config.json, model.safetensors,
# model.onnx + model.onnx.data). The HF checkpoint is converted with room for
# the batches (--max-batch 512, --max-seq 256 or the model's max positions,
# --max-tokens N); minirt writes
# each mix's batches (--dump-batches) and ONNX Runtime (ort_bench.js
# --batches) replays them. Each round runs the three alternately; the medians
# over rounds of tokens/s are printed with ragged / padded and ragged / ORT.
# --precision is minirt's; ORT runs MODEL_DIR/model.onnx (fp32), or
# --ort-model, a file in MODEL_DIR (e.g. the int8 issue's dynamically
# quantized model.ort-int8.onnx, to compare int8 with int8).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${BUILD:-build}
mixes="$here/../length_mixes/search_queries.txt $here/../length_mixes/query_passage.txt"
threads_list="1 2" rounds=3 batch_tokens=1024 batches=16 iters=24 precision=fp32 ort_model=model.onnx

[ $# -ge 1 ] || { sed -n '7,8p' "$0" >&2; exit 2; }
model_dir=${1%/}
shift
while [ $# -gt 0 ]; do
  case $1 in
    --mixes) mixes=$2 ;;
    --threads) threads_list=$2 ;;
    --rounds) rounds=$2 ;;
    --batch-tokens) batch_tokens=$2 ;;
    --batches) batches=$2 ;;
    --iters) iters=$2 ;;
    --precision) precision=$2 ;;
    --ort-model) ort_model=$2 ;;
    *) echo "ragged_compare.sh: unknown flag $1" >&2; exit 2 ;;
  esac
  shift 2
done

for f in config.json model.safetensors "$ort_model"; do
  [ -f "$model_dir/$f" ] || { echo "ragged_compare.sh: $model_dir/$f is missing (materialize the model first)" >&2; exit 1; }
done
[ -d "$here/node_modules/onnxruntime-node" ] ||
  { echo "ragged_compare.sh: run 'npm install --ignore-scripts' in $here first" >&2; exit 1; }

name=$(basename "$model_dir")
work="$build/bench-ragged"
mkdir -p "$work"
config() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$model_dir/config.json" "$1"; }
vocab=$(config vocab_size)
max_seq=$(( $(config max_position_embeddings) < 256 ? $(config max_position_embeddings) : 256 ))
fb="$work/$name-t$batch_tokens.fb"
if [ ! -f "$fb" ] || [ "$model_dir/model.safetensors" -nt "$fb" ] || [ "$build/bin/minirt-convert" -nt "$fb" ]; then
  "$build/bin/minirt-convert" --hf "$model_dir" -o "$fb" --max-batch 512 --max-seq "$max_seq" \
    --max-tokens "$batch_tokens" >/dev/null
fi
# Captured whole before python3 reads it, so the interpreter never runs beside a timing.
field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

echo "$name, minirt $precision, onnxruntime $ort_model, batches of at most $batch_tokens tokens, $rounds rounds of $iters batch runs"
for mix in $mixes; do
  mix_name=$(basename "$mix" .txt)
  batch_file="$work/$mix_name-t$batch_tokens.batches"
  common=(--length-mix "$mix" --batch-tokens "$batch_tokens" --batches "$batches" --precision "$precision" --json)
  "$build/bin/minirt" run "$fb" --bench "${common[@]}" --iters 1 --warmup 0 --dump-batches "$batch_file" >/dev/null
  for threads in $threads_list; do
    ragged=() padded=() ort=()
    for round in $(seq 1 "$rounds"); do
      out=$("$build/bin/minirt" run "$fb" --bench "${common[@]}" --threads "$threads" --warmup 3 --iters "$iters")
      ragged+=("$(field "$out" tokens_per_s)")
      out=$("$build/bin/minirt" run "$fb" --bench "${common[@]}" --padded --threads "$threads" --warmup 3 --iters "$iters")
      padded+=("$(field "$out" tokens_per_s)")
      pad=$(field "$out" padding_fraction)
      out=$(node "$here/ort_bench.js" "$model_dir/$ort_model" --batches "$batch_file" --threads "$threads" \
        --warmup 3 --iters "$iters" --vocab "$vocab")
      ort+=("$(field "$out" tokens_per_s)")
    done
    python3 - "$mix_name" "$threads" "$pad" "${ragged[*]}" "${padded[*]}" "${ort[*]}" "$precision" "$ort_model" <<'PY'
import statistics, sys
mix, threads, pad = sys.argv[1], sys.argv[2], float(sys.argv[3])
ragged, padded, ort = (statistics.median(float(x) for x in a.split()) for a in sys.argv[4:7])
print(f"{mix:16s} t{threads}: tokens/s ragged {ragged:9.0f}  padded {padded:9.0f}  "
      f"onnxruntime padded {ort:9.0f}  | ragged/padded {ragged / padded:.2f}x  "
      f"ragged/ORT {ragged / ort:.2f}x  (padding {100 * pad:.0f}% of padded tokens; "
      f"minirt {sys.argv[7]}, onnxruntime {sys.argv[8]})")
PY
  done
done
