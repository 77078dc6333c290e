// ONNX Runtime's side of compare.sh: times session.run on one model and shape.
//   node ort_bench.js MODEL.onnx --batch B --seq S --threads T [--warmup N] [--iters N]
// Prints one JSON line: {"runtime": "onnxruntime-node", "version", "p50_us", "mean_us", "iters"}.
// Inputs as minirt's bench makes them: random token ids below the vocabulary
// (fixed seed), attention mask all ones, token types all zeros.
//
// With --batches FILE (ragged_compare.sh: one batch per line, its sequence
// lengths as `minirt run --bench --dump-batches` writes them) it runs those
// batches in turn, each padded to its longest sequence (mask 0 on the
// padding), for --iters runs, and adds sequences_per_s and tokens_per_s
// (tokens without padding) to the JSON.
'use strict';
const ort = require('onnxruntime-node');

function parseArgs(argv) {
  const options = {batch: 1, seq: 128, threads: 1, warmup: 3, iters: 20, vocab: 30522, batches: ''};
  const model = argv[0];
  for (let i = 1; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in options)) throw new Error(`unknown flag ${argv[i]}`);
    options[name] = name === 'batches' ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (!model) throw new Error('usage: node ort_bench.js MODEL.onnx --batch B --seq S --threads T');
  return {model, ...options};
}

// xorshift: the ids need to be in range, not to match minirt's bit for bit.
function randomIds(count, vocab) {
  const ids = new BigInt64Array(count);
  let state = 42;
  for (let i = 0; i < count; ++i) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    ids[i] = BigInt((state >>> 0) % vocab);
  }
  return ids;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// One padded batch's feeds: [n, longest], mask 1 on each sequence's tokens.
function paddedFeeds(session, lengths, vocab) {
  const n = lengths.length, longest = Math.max(...lengths);
  const ids = randomIds(n * longest, vocab), mask = new BigInt64Array(n * longest);
  lengths.forEach((length, b) => {
    ids.fill(0n, b * longest + length, (b + 1) * longest);
    mask.fill(1n, b * longest, b * longest + length);
  });
  const dims = [n, longest];
  const inputs = {
    input_ids: new ort.Tensor('int64', ids, dims),
    attention_mask: new ort.Tensor('int64', mask, dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(n * longest), dims),
  };
  const feeds = {};
  for (const name of session.inputNames) feeds[name] = inputs[name];
  return feeds;
}

async function runBatches(session, args) {
  const batches = require('fs').readFileSync(args.batches, 'utf8').trim().split('\n')
      .map((line) => line.trim().split(/\s+/).map(Number));
  const feeds = batches.map((lengths) => paddedFeeds(session, lengths, args.vocab));
  for (let i = 0; i < args.warmup; ++i) await session.run(feeds[i % feeds.length]);
  const latencies = [];
  let sequences = 0, tokens = 0;
  for (let i = 0; i < Math.max(args.iters, batches.length); ++i) {
    const b = i % batches.length;
    const start = process.hrtime.bigint();
    await session.run(feeds[b]);
    latencies.push(Number(process.hrtime.bigint() - start) / 1000);
    sequences += batches[b].length;
    tokens += batches[b].reduce((a, c) => a + c, 0);
  }
  const busy = latencies.reduce((a, c) => a + c, 0) / 1e6;
  console.log(JSON.stringify({
    runtime: 'onnxruntime-node',
    version: require('onnxruntime-node/package.json').version,
    p50_us: Number(median(latencies).toFixed(1)),
    mean_us: Number((busy * 1e6 / latencies.length).toFixed(1)),
    iters: latencies.length,
    sequences_per_s: Number((sequences / busy).toFixed(2)),
    tokens_per_s: Number((tokens / busy).toFixed(1)),
  }));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const session = await ort.InferenceSession.create(args.model, {
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  if (args.batches) return runBatches(session, args);
  const count = args.batch * args.seq;
  const dims = [args.batch, args.seq];
  const inputs = {
    input_ids: new ort.Tensor('int64', randomIds(count, args.vocab), dims),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(count).fill(1n), dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(count), dims),
  };
  const feeds = {};
  for (const name of session.inputNames) feeds[name] = inputs[name];
  for (let i = 0; i < args.warmup; ++i) await session.run(feeds);
  const latencies = [];
  for (let i = 0; i < args.iters; ++i) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    latencies.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  console.log(JSON.stringify({
    runtime: 'onnxruntime-node',
    version: require('onnxruntime-node/package.json').version,
    p50_us: Number(median(latencies).toFixed(1)),
    mean_us: Number(mean.toFixed(1)),
    iters: latencies.length,
  }));
}

main().catch((error) => {
  console.error(`ort_bench: ${error.message}`);
  process.exit(1);
});
