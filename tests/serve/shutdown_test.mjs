// SIGTERM under load: the requests already queued get their answers, new ones
// get 503 / UNAVAILABLE or find the listener closed, readiness turns false,
// and the server exits 0 once drained.
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import * as lib from "./lib.mjs";

const dir = lib.tempDir("shutdown");
// Requests wait up to 5 s for company: SIGTERM lands while they are queued.
lib.convertModel(path.join(lib.sourceDir(), "tests/data/bert-tiny"), dir, "tiny",
                 { max_queue_delay_ms: 5000, max_batch_tokens: 100000 }, ["--max-seq", "32", "--max-batch", "64"]);
const server = await lib.startServer(dir);
const client = lib.grpcClient(server.grpcAddress);
const block = lib.makeBlock([10], 10, 1000, 11, true);
const body = JSON.stringify(lib.inferBody(block));
const port = Number(server.http.split(":").pop());

// One request per connection (no keep-alive), so each outcome is its own.
const post = () => new Promise((resolve) => {
  const req = http.request({ host: "127.0.0.1", port, method: "POST", path: "/v2/models/tiny/infer", agent: false },
                           (res) => { res.resume(); res.on("end", () => resolve(res.statusCode)); });
  req.on("error", (e) => resolve(e.code));
  req.end(body);
});

try {
  await client.call("ServerLive", {});  // the channel is up before the clock starts
  const queued = [...Array.from({ length: 16 }, post),
                  ...Array.from({ length: 8 }, () => client.call("ModelInfer", lib.grpcInferRequest("tiny", block))
                    .then(() => 200, (e) => `grpc ${e.code}`))];
  while (!/minirt_serve_queue_depth\{model="tiny"\} 24\n/.test(await lib.metrics(server))) await lib.sleep(20);
  const killedAt = Date.now();
  server.child.kill("SIGTERM");
  // Keep sending while it drains. A request sent before the server logged
  // the signal may still have been taken before it (a 200); one sent after
  // must be refused.
  const late = [];
  const signalled = () => server.logs.some((l) => l.event === "shutdown_started");
  const sender = (async () => {
    while (server.child.exitCode === null && Date.now() - killedAt < 5000) {
      const after = signalled();
      const status = await post();
      if (after || status !== 200) late.push(status);
      await lib.sleep(5);
    }
  })();
  const queuedResults = await Promise.all(queued);
  assert.deepEqual(queuedResults, Array(24).fill(200), "every request queued before SIGTERM is answered");
  const { code, signal } = await server.exited;
  await sender;
  console.log(`exit ${code} ${signal ?? ""} after ${Date.now() - killedAt} ms; ` +
              `after SIGTERM: ${JSON.stringify(late.reduce((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))}`);
  assert.equal(code, 0);
  assert.ok(late.every((s) => s === 503 || s === "ECONNREFUSED" || s === "ECONNRESET"), JSON.stringify(late));
  const events = server.logs.map((l) => l.event);
  assert.ok(events.indexOf("shutdown_started") < events.indexOf("shutdown_complete"), JSON.stringify(events));
} finally {
  client.close();
  if (server.child.exitCode === null) server.child.kill("SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
}
console.log("PASS");
