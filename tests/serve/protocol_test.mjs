// minirt-serve answers the Open Inference Protocol over HTTP (JSON and binary
// tensor data) and gRPC (int64_contents, bytes_contents and
// raw_input_contents), and its outputs equal the library's (within 1e-5 at
// every position the attention mask keeps, 0 at padding) for every model:
// tests/data's two and the shared models (when ../shared/models is there),
// padded [B,S], 1-D, and BYTES text for a model with a tokenizer.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import * as lib from "./lib.mjs";

const dir = lib.tempDir("protocol");
const hfDirs = {
  "bert-tiny": path.join(lib.sourceDir(), "tests/data/bert-tiny"),
  "bert-tiny-cls": path.join(lib.sourceDir(), "tests/data/bert-tiny-cls"),
};
if (fs.existsSync(path.join(lib.sourceDir(), "../shared/models/materialize.py"))) {
  for (const name of ["minilm-l3-384", "bert-3l-768"]) {
    const hf = path.join(lib.binaryDir(), "models", name);
    assert.ok(fs.existsSync(path.join(hf, "model.safetensors")), `the materialize fixture did not write ${hf}`);
    hfDirs[name] = hf;
  }
  hfDirs["shared-bert-tiny"] = path.join(lib.binaryDir(), "models/bert-tiny");
  hfDirs["shared-bert-tiny-cls"] = path.join(lib.binaryDir(), "models/bert-tiny-cls");
  hfDirs["trained-l3-h256"] = path.join(lib.sourceDir(), "../shared/models/trained-l3-h256");
} else {
  console.log("shared models skipped: ../shared/models is absent");
}
// The models converted with their tokenizer (the folder has tokenizer files).
const tokenizerModels = new Set(Object.keys(hfDirs).filter((name) =>
  ["tokenizer.json", "vocab.txt"].some((f) => fs.existsSync(path.join(hfDirs[name], f)))));
const modelPaths = {};
for (const [name, hf] of Object.entries(hfDirs)) {
  modelPaths[name] = lib.convertModel(hf, dir, name, { max_queue_delay_ms: 5 }, ["--max-seq", "64", "--max-batch", "8"]);
}

const server = await lib.startServer(dir);
const client = lib.grpcClient(server.grpcAddress);
try {
  // Health and server metadata.
  assert.equal((await fetch(`${server.http}/v2/health/live`)).status, 200);
  assert.equal((await fetch(`${server.http}/v2/health/ready`)).status, 200);
  const meta = await (await fetch(`${server.http}/v2`)).json();
  assert.equal(meta.name, "minirt-serve");
  assert.deepEqual(meta.extensions, ["binary_tensor_data"]);
  assert.equal((await client.call("ServerLive", {})).live, true);
  assert.equal((await client.call("ServerReady", {})).ready, true);
  assert.equal((await client.call("ServerMetadata", {})).name, "minirt-serve");
  assert.deepEqual([...server.models].sort(), Object.keys(hfDirs).sort());

  const blocks = [
    lib.makeBlock([12, 7, 3], 12, 1000, 1),     // padded [3,12]
    lib.makeBlock([9], 9, 1000, 2, true),       // 1-D [9]
    { shape: [2, 5], input_ids: lib.makeBlock([5, 5], 5, 1000, 3).input_ids },  // ids only
    // A token after padding: the server runs this request padded, not ragged.
    { ...lib.makeBlock([6, 4], 6, 1000, 4), attention_mask: [1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0] },
  ];
  let worstSequential = 0, worstBatched = 0, worstText = 0;
  // BYTES text, tokenized by the server, against Session::run_texts: HTTP
  // JSON and binary, gRPC bytes_contents and raw; and bad UTF-8 refused.
  const textCases = [
    { text: ["Hello, world!", "minirt serves BERT models over the Open Inference Protocol."] },
    { text: ["What does the server batch?"], text_pair: ["Requests, by their real tokens."] },
  ];
  const lengthPrefixed = (texts) => Buffer.concat(texts.flatMap((t) => {
    const b = Buffer.from(t, "utf8"), n = Buffer.alloc(4);
    n.writeUInt32LE(b.length);
    return [n, b];
  }));
  async function checkText(name) {
    let worst = 0;
    const runs = lib.libraryRuns(modelPaths[name], textCases);
    for (let i = 0; i < textCases.length; ++i) {
      const names = Object.keys(textCases[i]);
      const tensors = names.map((k) => ({ name: k, datatype: "BYTES", shape: [textCases[i][k].length] }));
      const r = await lib.httpInfer(server, name, {
        inputs: tensors.map((t) => ({ ...t, data: textCases[i][t.name] })),
      });
      assert.equal(r.status, 200, r.text);
      worst = Math.max(worst, lib.maxDifference(lib.httpOutputs(r.json), runs[i].outputs, runs[i].block));
      const binary = names.map((k) => lengthPrefixed(textCases[i][k]));
      const header = JSON.stringify({ inputs: tensors.map((t, k) => ({
        ...t, parameters: { binary_data_size: binary[k].length } })) });
      const rb = await fetch(`${server.http}/v2/models/${name}/infer`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.length) },
        body: Buffer.concat([Buffer.from(header), ...binary]),
      });
      const rbText = await rb.text();
      assert.equal(rb.status, 200, rbText);
      worst = Math.max(worst, lib.maxDifference(lib.httpOutputs(JSON.parse(rbText)), runs[i].outputs, runs[i].block));
      const g = await client.call("ModelInfer", { model_name: name, inputs: tensors.map((t) => ({
        ...t, contents: { bytes_contents: textCases[i][t.name].map((x) => Buffer.from(x, "utf8")) } })) });
      worst = Math.max(worst, lib.maxDifference(lib.grpcOutputs(g), runs[i].outputs, runs[i].block));
      const gr = await client.call("ModelInfer", { model_name: name, inputs: tensors, raw_input_contents: binary });
      worst = Math.max(worst, lib.maxDifference(lib.grpcOutputs(gr), runs[i].outputs, runs[i].block));
    }
    // Invalid UTF-8: 400 / INVALID_ARGUMENT naming it, over both protocols.
    const bad = Buffer.concat([Buffer.from([3, 0, 0, 0]), Buffer.from([0x61, 0xc3, 0x28])]);
    const badHeader = JSON.stringify({ inputs: [{ name: "text", datatype: "BYTES", shape: [1],
                                                  parameters: { binary_data_size: bad.length } }] });
    const rbad = await fetch(`${server.http}/v2/models/${name}/infer`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(badHeader.length) },
      body: Buffer.concat([Buffer.from(badHeader), bad]),
    });
    const badText = await rbad.text();
    assert.equal(rbad.status, 400, badText);
    assert.match(badText, /UTF-8/);
    await assert.rejects(client.call("ModelInfer", { model_name: name, inputs: [{
      name: "text", datatype: "BYTES", shape: [1], contents: { bytes_contents: [Buffer.from([0xff])] } }] }),
      (e) => e.code === lib.grpc.status.INVALID_ARGUMENT && /UTF-8/.test(e.details));
    return worst;
  }
  for (const name of Object.keys(hfDirs)) {
    const want = lib.libraryOutputs(modelPaths[name], blocks);
    // Model metadata and readiness, both protocols.
    const mm = await (await fetch(`${server.http}/v2/models/${name}`)).json();
    assert.deepEqual(mm.outputs.map((o) => o.name).sort(), Object.keys(want[0]).sort());
    const textInputs = mm.inputs.filter((i) => i.datatype === "BYTES").map((i) => i.name);
    assert.ok(mm.inputs.filter((i) => i.datatype === "INT64").length >= 1);
    assert.deepEqual(textInputs, tokenizerModels.has(name) ? ["text", "text_pair"] : []);
    assert.equal((await fetch(`${server.http}/v2/models/${name}/ready`)).status, 200);
    assert.equal((await fetch(`${server.http}/v2/models/${name}/versions/1/ready`)).status, 200);
    const gm = await client.call("ModelMetadata", { name });
    assert.deepEqual(gm.outputs.map((o) => o.name), mm.outputs.map((o) => o.name));
    assert.equal((await client.call("ModelReady", { name })).ready, true);

    for (let i = 0; i < blocks.length; ++i) {
      // HTTP JSON.
      const r = await lib.httpInfer(server, name, lib.inferBody(blocks[i], { id: `req-${i}` }));
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.id, `req-${i}`);
      worstSequential = Math.max(worstSequential, lib.maxDifference(lib.httpOutputs(r.json), want[i], blocks[i]));
      // HTTP binary tensor data, both ways.
      const header = {
        inputs: Object.keys(blocks[i]).filter((k) => k !== "shape").map((k) => ({
          name: k, datatype: "INT64", shape: blocks[i].shape,
          parameters: { binary_data_size: blocks[i][k].length * 8 },
        })),
        parameters: { binary_data_output: true },
      };
      const headerText = JSON.stringify(header);
      const binary = Buffer.concat(Object.keys(blocks[i]).filter((k) => k !== "shape")
        .map((k) => Buffer.from(BigInt64Array.from(blocks[i][k].map(BigInt)).buffer)));
      const res = await fetch(`${server.http}/v2/models/${name}/infer`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(headerText.length) },
        body: Buffer.concat([Buffer.from(headerText), binary]),
      });
      assert.equal(res.status, 200);
      const bytes = Buffer.from(await res.arrayBuffer());
      const jsonLength = Number(res.headers.get("inference-header-content-length"));
      const rh = JSON.parse(bytes.subarray(0, jsonLength).toString());
      let offset = jsonLength;
      const binOutputs = {};
      for (const t of rh.outputs) {
        const n = t.parameters.binary_data_size;
        const copy = new Uint8Array(bytes.subarray(offset, offset + n));
        binOutputs[t.name] = { shape: t.shape, data: new Float32Array(copy.buffer) };
        offset += n;
      }
      assert.equal(offset, bytes.length);
      worstSequential = Math.max(worstSequential, lib.maxDifference(binOutputs, want[i], blocks[i]));
      // gRPC int64_contents, and raw_input_contents.
      const g = await client.call("ModelInfer", lib.grpcInferRequest(name, blocks[i]));
      worstSequential = Math.max(worstSequential, lib.maxDifference(lib.grpcOutputs(g), want[i], blocks[i]));
      const rawRequest = lib.grpcInferRequest(name, blocks[i]);
      rawRequest.raw_input_contents = rawRequest.inputs.map((t) => {
        const b = Buffer.from(BigInt64Array.from(t.contents.int64_contents.map(BigInt)).buffer);
        delete t.contents;
        return b;
      });
      const gr = await client.call("ModelInfer", rawRequest);
      worstSequential = Math.max(worstSequential, lib.maxDifference(lib.grpcOutputs(gr), want[i], blocks[i]));
    }
    if (tokenizerModels.has(name)) worstText = Math.max(worstText, await checkText(name));
    // A requested subset of outputs comes back alone.
    const first = Object.keys(want[0])[0];
    const sub = await lib.httpInfer(server, name, lib.inferBody(blocks[0], { outputs: [{ name: first }] }));
    assert.deepEqual(sub.json.outputs.map((o) => o.name), [first]);

    // Concurrent requests share batches (one ragged run, the holey-mask
    // request in a padded run beside it): each still equals the library's
    // own run of it.
    const burst = await Promise.all(Array.from({ length: 12 }, (_, k) => k % 2
      ? lib.httpInfer(server, name, lib.inferBody(blocks[k % blocks.length]))
      : client.call("ModelInfer", lib.grpcInferRequest(name, blocks[k % blocks.length])).then((g) => ({ status: 200, g }))));
    burst.forEach((r, k) => {
      assert.equal(r.status, 200, r.text);
      const got = r.g ? lib.grpcOutputs(r.g) : lib.httpOutputs(r.json);
      worstBatched = Math.max(worstBatched, lib.maxDifference(got, want[k % blocks.length], blocks[k % blocks.length]));
    });
  }
  const m = await lib.metrics(server);
  const batches = lib.metricValue(m, "minirt_serve_batch_requests_count", 'model="bert-tiny"');
  const requests = lib.metricValue(m, "minirt_serve_batch_requests_sum", 'model="bert-tiny"');
  console.log(`max |server - library|: sequential ${worstSequential}, batched ${worstBatched}, ` +
              `text ${worstText} (${[...tokenizerModels].join(", ") || "no model with a tokenizer"}); ` +
              `bert-tiny ran ${requests} requests in ${batches} batches`);
  // Ragged runs equal the library's padded run within float rounding.
  assert.ok(worstSequential <= 1e-5, `outputs within 1e-5 of the library's (got ${worstSequential})`);
  assert.ok(worstBatched <= 1e-5, `batched outputs within 1e-5 of the library's (got ${worstBatched})`);
  assert.ok(worstText <= 1e-5, `text outputs within 1e-5 of Session::run_texts' (got ${worstText})`);
  assert.ok(batches < requests, "concurrent requests were batched together");
} finally {
  client.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log("PASS");
