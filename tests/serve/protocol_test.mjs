// minirt-serve answers the Open Inference Protocol over HTTP (JSON and binary
// tensor data) and gRPC (int64_contents and raw_input_contents), and its
// outputs equal the library's for every model: tests/data's two and the
// shared models (when ../shared/models is there), padded [B,S] and 1-D.
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
  ];
  const oneD = (b) => b.shape.length === 1;
  let worstSequential = 0, worstBatched = 0;
  for (const name of Object.keys(hfDirs)) {
    const want = lib.libraryOutputs(modelPaths[name], blocks);
    // Model metadata and readiness, both protocols.
    const mm = await (await fetch(`${server.http}/v2/models/${name}`)).json();
    assert.deepEqual(mm.outputs.map((o) => o.name).sort(), Object.keys(want[0]).sort());
    assert.deepEqual(mm.inputs.map((i) => i.datatype), ["INT64", "INT64", "INT64"].slice(0, mm.inputs.length));
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
      worstSequential = Math.max(worstSequential, lib.maxDifference(lib.httpOutputs(r.json), want[i], oneD(blocks[i])));
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
      worstSequential = Math.max(worstSequential, lib.maxDifference(binOutputs, want[i], oneD(blocks[i])));
      // gRPC int64_contents, and raw_input_contents.
      const g = await client.call("ModelInfer", lib.grpcInferRequest(name, blocks[i]));
      worstSequential = Math.max(worstSequential, lib.maxDifference(lib.grpcOutputs(g), want[i], oneD(blocks[i])));
      const rawRequest = lib.grpcInferRequest(name, blocks[i]);
      rawRequest.raw_input_contents = rawRequest.inputs.map((t) => {
        const b = Buffer.from(BigInt64Array.from(t.contents.int64_contents.map(BigInt)).buffer);
        delete t.contents;
        return b;
      });
      const gr = await client.call("ModelInfer", rawRequest);
      worstSequential = Math.max(worstSequential, lib.maxDifference(lib.grpcOutputs(gr), want[i], oneD(blocks[i])));
    }
    // A requested subset of outputs comes back alone.
    const first = Object.keys(want[0])[0];
    const sub = await lib.httpInfer(server, name, lib.inferBody(blocks[0], { outputs: [{ name: first }] }));
    assert.deepEqual(sub.json.outputs.map((o) => o.name), [first]);

    // Concurrent requests share batches (padded to the longest of the batch):
    // each still equals the library's own run of it.
    const burst = await Promise.all(Array.from({ length: 12 }, (_, k) => k % 2
      ? lib.httpInfer(server, name, lib.inferBody(blocks[k % 3]))
      : client.call("ModelInfer", lib.grpcInferRequest(name, blocks[k % 3])).then((g) => ({ status: 200, g }))));
    burst.forEach((r, k) => {
      assert.equal(r.status, 200, r.text);
      const got = r.g ? lib.grpcOutputs(r.g) : lib.httpOutputs(r.json);
      worstBatched = Math.max(worstBatched, lib.maxDifference(got, want[k % 3], oneD(blocks[k % 3])));
    });
  }
  const m = await lib.metrics(server);
  const batches = lib.metricValue(m, "minirt_serve_batch_requests_count", 'model="bert-tiny"');
  const requests = lib.metricValue(m, "minirt_serve_batch_requests_sum", 'model="bert-tiny"');
  console.log(`max |server - library|: sequential ${worstSequential}, batched ${worstBatched}; ` +
              `bert-tiny ran ${requests} requests in ${batches} batches`);
  assert.equal(worstSequential, 0, "a request run alone gives the library's numbers exactly");
  assert.ok(worstBatched <= 1e-5, `batched outputs within 1e-5 of the library's (got ${worstBatched})`);
  assert.ok(batches < requests, "concurrent requests were batched together");
} finally {
  client.close();
  const { code } = await server.stop();
  assert.equal(code, 0);
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log("PASS");
