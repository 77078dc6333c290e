#!/bin/sh
# The text commands end to end: a tokenizer folder sealed into bert-tiny (from
# ONNX with --tokenizer, and from the HF folder), then minirt info, tokenize,
# run --text and embed, each output checked.
#
#   cli_test.sh BUILD_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data/bert-tiny
bin=$(cd "$1" && pwd)/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$work/tok"
printf '[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\nworld\n,\n!\n##s\n' > "$work/tok/vocab.txt"
echo '{"do_lower_case": true, "model_max_length": 128}' > "$work/tok/tokenizer_config.json"

"$bin/minirt-convert" "$data/model.onnx" --tokenizer "$work/tok" -o "$work/onnx.fb" >/dev/null
"$bin/minirt-convert" --hf "$data" -o "$work/plain.fb" >/dev/null
"$bin/minirt" info "$work/onnx.fb" | grep -q '^tokenizer WordPiece, 10 tokens, clean text, CJK split, lowercase, strip accents, max length 128' ||
  fail "info does not describe the tokenizer"
"$bin/minirt" info "$work/plain.fb" | grep -q '^tokenizer none' || fail "info of a model without one"

out=$("$bin/minirt" tokenize "$work/onnx.fb" 'Hello, WORLDS! héllo?')
echo "$out" | grep -qx 'ids     2 5 7 6 9 8 5 1 3' || fail "tokenize ids: $out"
echo "$out" | grep -qx 'tokens  \[CLS\] hello , world ##s ! hello \[UNK\] \[SEP\]' || fail "tokenize tokens: $out"
out=$("$bin/minirt" tokenize "$work/onnx.fb" hello world)
echo "$out" | grep -qx 'types   0 0 0 1 1' || fail "tokenize pair types: $out"
if "$bin/minirt" tokenize "$work/onnx.fb" "$(printf 'ab\377')" 2>"$work/err"; then fail "invalid UTF-8 accepted"; fi
grep -q 'invalid UTF-8 at byte 2' "$work/err" || fail "invalid UTF-8 message: $(cat "$work/err")"
if "$bin/minirt" tokenize "$work/plain.fb" hello 2>"$work/err"; then fail "tokenize without a tokenizer"; fi
grep -q 'has no tokenizer' "$work/err" || fail "no-tokenizer message: $(cat "$work/err")"

out=$("$bin/minirt" run "$work/onnx.fb" --text "hello world" --text-pair "worlds")
echo "$out" | grep -q '^last_hidden_state \[1, 7, 64\]:' || fail "run --text: $out"

printf 'hello\nworld hello , world\n\n' | "$bin/minirt" embed "$work/onnx.fb" --pooling mean > "$work/emb.jsonl"
[ "$(wc -l < "$work/emb.jsonl")" -eq 3 ] || fail "embed wrote $(wc -l < "$work/emb.jsonl") lines, not 3"
[ "$(head -1 "$work/emb.jsonl" | tr ',' '\n' | wc -l)" -eq 64 ] || fail "embedding width"
printf 'hello\nworld\n' | "$bin/minirt" embed "$work/onnx.fb" --batch-tokens 1 -o "$work/emb.npy" 2>/dev/null
[ "$(head -c 6 "$work/emb.npy" | tail -c 5)" = "NUMPY" ] || fail "embed -o is not .npy"
# 2 x 64 float32 after a 128-byte header
[ "$(wc -c < "$work/emb.npy")" -eq $((128 + 2 * 64 * 4)) ] || fail "npy size $(wc -c < "$work/emb.npy")"
echo "PASS"
