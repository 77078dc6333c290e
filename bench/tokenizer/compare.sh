#!/bin/sh
# Tokenizer speed: minirt against Hugging Face's tokenizers Node binding
# (encodeBatch) on the conformance corpus's 2,000 single texts (the binding's
# encodeBatch takes no pairs), in one run, same tokenizer
# (bert-base-uncased, uncased BertNormalizer, max length 512).
#
#   BUILD=build bench/tokenizer/compare.sh [REPEATS]
#
# Needs the build (tokenizer_bench, minirt-convert) and the test oracle
# (npm ci --prefix tests/tokenizer). The Node binding runs encodeBatch on
# rayon's pool (all cores) and again on one thread (RAYON_NUM_THREADS=1);
# minirt's encode_batch runs on one thread.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${BUILD:-$root/build}" && pwd)
repeats=${1:-5}
oracle=$root/tests/tokenizer
work=$build/tokenizer-bench
if [ ! -f "$oracle/node_modules/tokenizers/package.json" ]; then
  echo "missing the Node binding: npm ci --prefix tests/tokenizer" >&2
  exit 1
fi
mkdir -p "$work"
python3 "$oracle/gen_corpus.py" "$work/corpus.jsonl" >/dev/null
node "$oracle/oracle.js" vocab "$work/vocab.txt"
node "$oracle/oracle.js" hfdir "$work/vocab.txt" "$work/uncased" \
  '{"clean_text":true,"handle_chinese_chars":true,"strip_accents":true,"lowercase":true,"max_length":512}'
"$build/bin/minirt-convert" --hf-config "$oracle/tiny_bert_config.json" --random-weights 1 \
  --tokenizer "$work/uncased" -o "$work/uncased.fb" >/dev/null

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $repeats passes over $(wc -l < "$work/corpus.jsonl") lines"
"$build/bin/tokenizer_bench" "$work/uncased.fb" "$work/corpus.jsonl" "$repeats"
node "$oracle/oracle.js" bench "$work/uncased/tokenizer.json" 512 "$work/corpus.jsonl" "$repeats"
RAYON_NUM_THREADS=1 node "$oracle/oracle.js" bench "$work/uncased/tokenizer.json" 512 "$work/corpus.jsonl" "$repeats" |
  sed 's/encodeBatch"/encodeBatch, RAYON_NUM_THREADS=1"/'
