// Shared by the serve tests and the load bench: start minirt-serve on free
// loopback ports, talk to it over HTTP (Node's fetch) and gRPC (@grpc/grpc-js
// over the repo's .proto), and convert models with minirt-convert.
import { spawn, execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
let grpc, protoLoader;
try {
  grpc = require("@grpc/grpc-js");
  protoLoader = require("@grpc/proto-loader");
} catch (e) {
  console.error(
    "FAIL: the Node clients are not installed: run `npm ci --prefix tests/serve` (make test does).\n" +
      e.message);
  process.exit(1);
}
export { grpc };

export function env(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`FAIL: ${name} is not set (ctest sets it; see tests/serve/CMakeLists.txt)`);
    process.exit(1);
  }
  return v;
}

export const sourceDir = () => env("MINIRT_SOURCE_DIR");
export const binaryDir = () => env("MINIRT_BINARY_DIR");

export function tempDir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `minirt-serve-${tag}-`));
}

// Converts an HF checkpoint folder to dir/name.fb (and writes dir/name.json when config given).
export function convertModel(hfDir, dir, name, config, extra = []) {
  const out = path.join(dir, `${name}.fb`);
  execFileSync(env("MINIRT_CONVERT"), ["--hf", hfDir, "-o", out, ...extra], { stdio: "pipe" });
  if (config) fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(config));
  return out;
}

// Starts the server on free loopback ports; resolves once its "listening" log line is out.
export async function startServer(modelsDir, extraArgs = []) {
  return launchServer(["--models", modelsDir, "--host", "127.0.0.1", "--port", "0", "--grpc-port", "0",
                       ...extraArgs]);
}

// Starts the server (the built one, or `program`) with exactly these
// arguments and child_process.spawn options (e.g. uid); resolves as
// startServer does.
export async function launchServer(args, spawnOptions = {}, program = env("MINIRT_SERVE")) {
  const child = spawn(program, args, { stdio: ["ignore", "ignore", "pipe"], ...spawnOptions });
  const logs = [];
  let buffered = "";
  const listening = new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          reject(new Error(`server log line is not JSON: ${line}`));
          continue;
        }
        logs.push(event);
        if (event.event === "listening") resolve(event);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited (${code}) before listening: ` +
                                                 JSON.stringify(logs))));
  });
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const info = await listening;
  const server = {
    child, logs, exited,
    http: `http://127.0.0.1:${info.http_port}`,
    grpcAddress: `127.0.0.1:${info.grpc_port}`,
    models: info.models,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
  return server;
}

export function grpcClient(address) {
  const def = protoLoader.loadSync(path.join(sourceDir(), "serve/proto/open_inference.proto"), {
    keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true,
  });
  const proto = grpc.loadPackageDefinition(def).inference;
  const client = new proto.GRPCInferenceService(address, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": -1, "grpc.max_send_message_length": -1,
  });
  // Promise wrappers: call(name, request, {deadlineMs}) -> response, or throws the gRPC error.
  client.call = (method, request, options = {}) => new Promise((resolve, reject) => {
    const callOptions = options.deadlineMs ? { deadline: Date.now() + options.deadlineMs } : {};
    client[method](request, callOptions, (err, response) => (err ? reject(err) : resolve(response)));
  });
  return client;
}

// A JSON infer request for one block of tokens ({shape, input_ids, attention_mask?, token_type_ids?}).
export function inferBody(block, extra = {}) {
  const inputs = [];
  for (const name of ["input_ids", "attention_mask", "token_type_ids"]) {
    if (block[name]) inputs.push({ name, datatype: "INT64", shape: block.shape, data: block[name] });
  }
  return { inputs, ...extra };
}

export async function httpInfer(server, model, body, init = {}) {
  const res = await fetch(`${server.http}/v2/models/${model}/infer`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body), ...init,
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON: the test looks at text */ }
  return { status: res.status, json, text };
}

export function grpcInferRequest(model, block) {
  const inputs = [];
  for (const name of ["input_ids", "attention_mask", "token_type_ids"]) {
    if (block[name]) {
      inputs.push({ name, datatype: "INT64", shape: block.shape, contents: { int64_contents: block[name] } });
    }
  }
  return { model_name: model, inputs };
}

// The outputs of a gRPC infer response as {name: {shape, data: Float32Array}}.
export function grpcOutputs(response) {
  const out = {};
  response.outputs.forEach((t, i) => {
    const raw = response.raw_output_contents[i];
    const copy = new Uint8Array(raw); // aligned
    out[t.name] = { shape: t.shape.map(Number), data: new Float32Array(copy.buffer, 0, copy.byteLength / 4) };
  });
  return out;
}

export function httpOutputs(json) {
  const out = {};
  for (const t of json.outputs) out[t.name] = { shape: t.shape, data: Float32Array.from(t.data) };
  return out;
}

// Deterministic token blocks: ids under `vocab`, padded rows ending in mask 0.
export function makeBlock(rowLengths, seq, vocab, seed, oneD = false) {
  let state = seed >>> 0;
  const next = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const ids = [], mask = [], types = [];
  for (const len of rowLengths) {
    for (let j = 0; j < seq; ++j) {
      ids.push(j < len ? 1 + Math.floor(next() * (vocab - 1)) : 0);
      mask.push(j < len ? 1 : 0);
      types.push(j < len && j >= len / 2 ? 1 : 0);
    }
  }
  return { shape: oneD ? [seq] : [rowLengths.length, seq], input_ids: ids, attention_mask: mask, token_type_ids: types };
}

// The library's runs of each case (tests/serve/serve_reference.cpp): a block
// of ids, or {text: [...], text_pair?: [...]}. Each gives {outputs: {name:
// {shape, data}}, block: {shape, attention_mask}}, the [B,S] mask it ran with.
export function libraryRuns(modelPath, cases) {
  const text = execFileSync(env("SERVE_REFERENCE"),
                            { input: JSON.stringify({ model: modelPath, cases }), maxBuffer: 1 << 30 });
  return JSON.parse(text).map((run) => {
    const outputs = {};
    for (const o of run.outputs) outputs[o.name] = { shape: o.shape, data: Float32Array.from(o.data) };
    return { outputs, block: { shape: run.shape, attention_mask: run.attention_mask } };
  });
}

// The library's outputs for each block of ids.
export function libraryOutputs(modelPath, blocks) {
  return libraryRuns(modelPath, blocks).map((run) => run.outputs);
}

// Max |got - want| over two {name: {shape, data}} maps at the positions the
// block's attention mask keeps; shapes must agree (a 1-D request's shapes drop
// the library's batch dim of 1). Per-token outputs ([B,S,...]) must be exactly
// 0 where the mask is 0: the server zero-fills padding (the library's padded
// run leaves there whatever attention over the real tokens gave).
export function maxDifference(got, want, block) {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort());
  const oneD = block.shape.length === 1;
  const seq = block.shape[block.shape.length - 1];
  const mask = block.attention_mask;
  let worst = 0;
  for (const name of Object.keys(want)) {
    const wantShape = oneD ? want[name].shape.slice(1) : want[name].shape;
    assert.deepEqual(got[name].shape, wantShape, `${name} shape`);
    assert.equal(got[name].data.length, want[name].data.length);
    const perToken = want[name].shape.length >= 3 && want[name].shape[1] === seq;
    const inner = want[name].data.length / (want[name].shape[0] * (perToken ? seq : 1));
    for (let i = 0; i < want[name].data.length; ++i) {
      if (perToken && mask && mask[Math.floor(i / inner)] === 0) {
        assert.equal(got[name].data[i], 0, `${name}[${i}] is padding and must be 0`);
        continue;
      }
      worst = Math.max(worst, Math.abs(got[name].data[i] - want[name].data[i]));
    }
  }
  return worst;
}

export function metricValue(text, name, labels) {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{${labels}}`)) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}

export async function metrics(server) {
  return (await fetch(`${server.http}/metrics`)).text();
}

export function rssKiB(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
