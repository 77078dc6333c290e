#!/usr/bin/env bash
# Static (calibrated) int8 against dynamic int8 on a model's reference cases,
# each case held out in turn: calibrate on the other cases, run the held-out
# one at int8 against its float64 references (`minirt run --refs --precision
# int8`), for each --calibrate-method, and dynamic int8 (the float file, each
# row's own range) on the same case.
#
#   bench/e2e/calibration_accuracy.sh MODEL_DIR [--methods "auto max percentile mse"]
#
# MODEL_DIR holds an HF checkpoint (config.json, model.safetensors) and refs/caseN.
# Prints one line per case and quantization: each output's max abs error and
# relative RMS error.
set -euo pipefail

build=${BUILD:-build}
methods="auto max percentile mse"
[ $# -ge 1 ] || { sed -n '7p' "$0" >&2; exit 2; }
model_dir=${1%/}
shift
while [ $# -gt 0 ]; do
  case $1 in
    --methods) methods=$2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/bin/minirt-convert" --hf "$model_dir" -o "$work/float.fb" > /dev/null

# "case3  last_hidden_state 0.0437 / 0.67%  pooler_output ..." from minirt run --refs.
errors() {
  "$build/bin/minirt" run "$1" --refs "$2" --precision int8 --tol 1 |
    awk '/max_abs_err/ { for (i = 1; i <= NF; ++i) if ($(i + 1) == "max_abs_err")
           printf "  %s %.3g / %.2f%%", $i, $(i + 2), 100 * $(i + 4) }'
}

for held_out in "$model_dir"/refs/case*/; do
  name=$(basename "$held_out")
  rm -rf "$work/calib" "$work/test"
  mkdir -p "$work/calib" "$work/test"
  ln -s "$(realpath "$held_out")" "$work/test/$name"
  for c in "$model_dir"/refs/case*/; do
    [ "$c" = "$held_out" ] || ln -s "$(realpath "$c")" "$work/calib/$(basename "$c")"
  done
  printf '%-6s %-18s%s\n' "$name" "dynamic" "$(errors "$work/float.fb" "$work/test")"
  for method in $methods; do
    "$build/bin/minirt-convert" --hf "$model_dir" -o "$work/static.fb" --precision int8 \
      --calibrate "$work/calib" --calibrate-method "$method" > "$work/convert.log"
    printf '%-6s %-18s%s\n' "$name" "static $method" "$(errors "$work/static.fb" "$work/test")"
  done
done
