// Runs ONNX Runtime on given inputs: helper of ort_refs.py.
//   node ort_run.js MODEL.onnx IN.json OUT.json
// IN.json: {name: {dims, data}} int64 inputs; OUT.json gets every output as
// {name: {dims, data}} (float32). Same session options as ort_bench.js.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const [model, inPath, outPath] = process.argv.slice(2);
  if (!outPath) throw new Error('usage: node ort_run.js MODEL.onnx IN.json OUT.json');
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const given = JSON.parse(fs.readFileSync(inPath, 'utf8'));
  const feeds = {};
  for (const name of session.inputNames) {
    if (!(name in given)) throw new Error(`input ${name} is not in ${inPath}`);
    feeds[name] = new ort.Tensor('int64', BigInt64Array.from(given[name].data.map(BigInt)),
                                 given[name].dims);
  }
  const results = await session.run(feeds);
  const out = {};
  for (const name of session.outputNames)
    out[name] = {dims: results[name].dims, data: Array.from(results[name].data)};
  fs.writeFileSync(outPath, JSON.stringify(out));
}

main().catch((error) => {
  console.error(`ort_run: ${error.message}`);
  process.exit(1);
});
