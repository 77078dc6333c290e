// Load bench for minirt-serve: N concurrent clients x M requests each on a
// short query length mix, against the same model served twice: with dynamic
// batching and with one request per run. Prints throughput and latency
// percentiles per client count, and where the time went: the server's mean
// queue wait and batch compute time (its /metrics), and the kernel's count
// of TCP connections accepted and of connections dropped because the listen
// queue was full (Linux's TcpPassiveOpens and TcpExtListenDrops; counted
// for the whole machine, so another process's connections count too). Run
// through bench/serve/run.sh.
//
//   node bench/serve/load.mjs HF_MODEL_DIR [--clients 1,8,32] [--requests M]
//        [--protocol http|grpc] [--threads T] [--precision fp32|bf16|int8] [--delay-ms D] [--max-batch-tokens K]
//        [--lengths 8,12,16,16,20,24,32,48]
import fs from "node:fs";
import * as lib from "../../tests/serve/lib.mjs";

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const hfDir = args[0];
if (!hfDir || hfDir.startsWith("--")) {
  console.error("usage: load.mjs HF_MODEL_DIR [--clients 1,8,32] [--requests M] [--protocol http|grpc] ...");
  process.exit(2);
}
const clientCounts = flag("--clients", "1,8,32").split(",").map(Number);
const requestsPerClient = Number(flag("--requests", "20"));
const protocol = flag("--protocol", "http");
const threads = Number(flag("--threads", "2"));
const precision = flag("--precision", "fp32");
const delayMs = Number(flag("--delay-ms", "5"));
const maxBatchTokens = Number(flag("--max-batch-tokens", "2048"));
// Query lengths in tokens, [CLS] and [SEP] included: short search queries.
const lengthMix = flag("--lengths", "8,12,16,16,20,24,32,48").split(",").map(Number);

const dir = lib.tempDir("bench");
const common = { instances: 1, threads_per_instance: threads, precision, max_queue: 4096 };
lib.convertModel(hfDir, dir, "batched", { ...common, max_queue_delay_ms: delayMs, max_batch_tokens: maxBatchTokens },
                 ["--max-batch", "64", "--max-seq", "64"]);
fs.copyFileSync(`${dir}/batched.fb`, `${dir}/single.fb`);
fs.writeFileSync(`${dir}/single.json`, JSON.stringify({ ...common, max_queue_delay_ms: 0, max_batch_requests: 1 }));
const server = await lib.startServer(dir);
const client = lib.grpcClient(server.grpcAddress);

// An embedding service's answer: the per-sequence outputs only (pooled
// vector, logits), as binary tensor data, so the clients' JSON work does not
// compete with the server for the cores.
const meta = await (await fetch(`${server.http}/v2/models/batched`)).json();
const outputs = meta.outputs.filter((o) => o.shape.length === 2).map((o) => ({ name: o.name }));
const blocks = lengthMix.map((len, i) => lib.makeBlock([len], len, 1000, 100 + i, true));
const bodies = blocks.map((b) => JSON.stringify(lib.inferBody(b, { outputs, parameters: { binary_data_output: true } })));
const grpcRequests = Object.fromEntries(["single", "batched"].map((model) => [model, blocks.map((b) => ({
  ...lib.grpcInferRequest(model, b), outputs }))]));

async function one(model, k) {
  const i = k % blocks.length;
  if (protocol === "grpc") {
    await client.call("ModelInfer", grpcRequests[model][i]);
    return;
  }
  const r = await fetch(`${server.http}/v2/models/${model}/infer`, { method: "POST", body: bodies[i] });
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
  await r.arrayBuffer();
}

// Linux's TCP counters (/proc/net/snmp "Tcp:", /proc/net/netstat "TcpExt:").
function tcpCounters() {
  const read = (file, prefix) => {
    const lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.startsWith(prefix));
    const [keys, values] = lines.map((l) => l.split(/\s+/).slice(1));
    return Object.fromEntries(keys.map((k, i) => [k, Number(values[i])]));
  };
  try {
    return { opens: read("/proc/net/snmp", "Tcp:").PassiveOpens,
             drops: read("/proc/net/netstat", "TcpExt:").ListenDrops };
  } catch {
    return { opens: NaN, drops: NaN };  // not Linux
  }
}

async function warm(model) {
  for (let k = 0; k < 2 * blocks.length; ++k) await one(model, k);
}

async function run(model, clients) {
  const latencies = [];
  const start = performance.now();
  await Promise.all(Array.from({ length: clients }, async (_, c) => {
    for (let k = 0; k < requestsPerClient; ++k) {
      const t = performance.now();
      await one(model, c * 7 + k);
      latencies.push(performance.now() - t);
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { rps: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99) };
}

console.log(`model ${hfDir}, outputs ${outputs.map((o) => o.name).join(",")}, ${protocol}, ${requestsPerClient} requests per client, lengths ${lengthMix.join("/")}, ` +
            `${threads} threads, ${precision}, batched: max_queue_delay_ms ${delayMs}, max_batch_tokens ${maxBatchTokens}`);
console.log("clients | mode     | req/s   | p50 ms | p99 ms | mean batch | queue ms | batch ms | conns | listen drops");
const results = {};
try {
  for (const clients of clientCounts) {
    for (const model of ["single", "batched"]) {
      await warm(model);
      const before = await lib.metrics(server);
      const tcpBefore = tcpCounters();
      const r = await run(model, clients);
      const tcpAfter = tcpCounters();
      const after = await lib.metrics(server);
      const label = `model="${model}"`;
      const delta = (name) => lib.metricValue(after, name, label) - lib.metricValue(before, name, label);
      const batches = delta("minirt_serve_batch_requests_count");
      const reqs = delta("minirt_serve_batch_requests_sum");
      const queueMs = (1000 * delta("minirt_serve_queue_seconds_sum")) / delta("minirt_serve_queue_seconds_count");
      const batchMs = (1000 * delta("minirt_serve_compute_seconds_sum")) / batches;
      results[`${clients}/${model}`] = r;
      console.log(`${String(clients).padStart(7)} | ${model.padEnd(8)} | ${r.rps.toFixed(1).padStart(7)} | ` +
                  `${r.p50.toFixed(2).padStart(6)} | ${r.p99.toFixed(2).padStart(6)} | ${(reqs / batches).toFixed(2).padStart(10)} | ` +
                  `${queueMs.toFixed(1).padStart(8)} | ${batchMs.toFixed(1).padStart(8)} | ` +
                  `${String(tcpAfter.opens - tcpBefore.opens).padStart(5)} | ${tcpAfter.drops - tcpBefore.drops}`);
    }
  }
  const top = Math.max(...clientCounts);
  const single1 = results[`1/single`];
  if (single1 && results[`${top}/batched`]) {
    const b = results[`${top}/batched`], s = results[`${top}/single`];
    console.log(`at ${top} clients: batching ${(b.rps / s.rps).toFixed(2)}x the throughput of one request per run; ` +
                `batched p99 ${(b.p99 / single1.p50).toFixed(2)}x the single-request p50 (1 client)`);
  }
} finally {
  client.close();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
