#!/usr/bin/env bash
# bf16 attention against fp32 attention in the same reduced-precision
# session (issue 13): `minirt run --bench --profile --json` with and without
# --fp32-attention, alternating, ROUNDS rounds per shape, on a loaded machine.
# Prints per shape the medians over rounds of the run's p50 and of attention's
# ms per run (the op profile's mean), each mode's attention share, and the
# load average before and after.
#
#   bench/e2e/attention_ab.sh MODEL.fb [ROUNDS] [PRECISIONS] [SEQS] [THREADS]
#   e.g. bench/e2e/attention_ab.sh bert-3l-768.fb 5 "int8 bf16" "128 512" "1 2"
#
# MINIRT (default build/bin/minirt) is the binary; ITERS (default 20) the
# timed runs per invocation. The model must be converted with --max-seq at
# least the largest of SEQS.
set -euo pipefail
model=${1:?usage: attention_ab.sh MODEL.fb [ROUNDS] [PRECISIONS] [SEQS] [THREADS]}
rounds=${2:-5}
precisions=${3:-"int8 bf16"}
seqs=${4:-"128 512"}
threads_list=${5:-"1 2"}
minirt=${MINIRT:-build/bin/minirt}
iters=${ITERS:-20}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %4s %2s  %-5s %9s %11s %7s\n' prec seq th attn p50_ms attn_ms share
for precision in $precisions; do
  for seq in $seqs; do
    for threads in $threads_list; do
      results=$(mktemp)
      for ((round = 0; round < rounds; ++round)); do
        for mode in bf16 fp32; do
          flag=()
          [[ $mode == fp32 ]] && flag=(--fp32-attention)
          "$minirt" run "$model" --bench --seq "$seq" --threads "$threads" --iters "$iters" \
            --precision "$precision" --profile --json "${flag[@]}" |
            python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin if l.strip()]
run, profile = lines[0], lines[1]
attention = sum(o["ms_per_run"] for o in profile["op_profile"] if o["kind"] == "Attention")
print(sys.argv[1], run["p50_us"] / 1000, attention, profile["ops_ms_per_run"])' "$mode" >>"$results"
        done
      done
      python3 - "$results" "$precision" "$seq" "$threads" <<'EOF'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
for mode in ("fp32", "bf16"):
    mine = [(float(p50), float(attn), float(total)) for m, p50, attn, total in rows if m == mode]
    p50 = statistics.median(r[0] for r in mine)
    attn = statistics.median(r[1] for r in mine)
    share = statistics.median(r[1] / r[2] for r in mine)
    print(f"{sys.argv[2]:<5} {sys.argv[3]:>4} {sys.argv[4]:>2}  {mode:<5} {p50:9.3f} {attn:11.3f} {100 * share:6.1f}%")
EOF
      rm -f "$results"
    done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
