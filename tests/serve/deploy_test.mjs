// deploy/ as far as a machine without containers or a cluster can check it:
// - the manifests agree with the image (deploy/Dockerfile): the runtime's
//   arguments are the ENTRYPOINT's, every port and probe points at what the
//   server listens on, the InferenceService names the ServingRuntime, its
//   model format and protocol;
// - the runtime stage's Debian packages exist and provide every shared
//   library the copied programs load (ldd here, then dpkg -S, against the
//   packages' dependency closure): the slim image would start;
// - the built minirt-serve, started with the ENTRYPOINT's own arguments (the
//   models folder and ports swapped for a temporary folder and free ports)
//   as the image's non-root USER, answers the manifests' readiness and
//   liveness probes, the Prometheus path, HTTP and gRPC inference, and exits
//   0 on SIGTERM within the grace period.
// What stays untried: building the image and applying the manifests.
import { execFileSync, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import * as lib from "./lib.mjs";

const YAML = createRequire(import.meta.url)("yaml");
const deployDir = path.join(lib.sourceDir(), "deploy");
const read = (name) => fs.readFileSync(path.join(deployDir, name), "utf8");

// --- The Dockerfile's runtime stage: packages, copied programs, user, ports, entrypoint.
function parseDockerfile(text) {
  const instructions = text.replace(/\\\n/g, " ").split("\n").map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const stages = [];
  for (const line of instructions) {
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword === "FROM") stages.push([]);
    stages.at(-1).push({ keyword, args: rest.join(" ") });
  }
  const runtime = stages.at(-1);
  const all = (keyword) => runtime.filter((i) => i.keyword === keyword).map((i) => i.args);
  const packages = all("RUN").flatMap((run) => {
    const m = run.match(/apt-get install ([^&]*)/);
    return m ? m[1].split(/\s+/).filter((w) => w && !w.startsWith("-")) : [];
  });
  const programs = all("COPY").flatMap((copy) => {
    const words = copy.split(/\s+/).filter((w) => !w.startsWith("--"));
    return words.slice(0, -1).map((source) => path.basename(source));
  });
  return {
    packages, programs,
    user: all("USER").at(-1),
    exposed: all("EXPOSE").flatMap((e) => e.split(/\s+/)).map(Number),
    entrypoint: JSON.parse(all("ENTRYPOINT").at(-1)),
  };
}

const image = parseDockerfile(read("Dockerfile"));
const runtime = YAML.parse(read("servingruntime.yaml"));
const service = YAML.parse(read("inferenceservice.yaml"));
const flag = (args, name) => {
  const i = args.indexOf(name);
  assert.ok(i >= 0 && i + 1 < args.length, `${name} is missing from ${JSON.stringify(args)}`);
  return args[i + 1];
};

// --- The manifests against the image.
const [program, ...entryArgs] = image.entrypoint;
assert.ok(image.programs.includes(program), `the ENTRYPOINT runs ${program}, which the image does not copy`);
assert.equal(program, "minirt-serve");
const container = runtime.spec.containers.find((c) => c.name === "kserve-container");
assert.ok(container, "the ServingRuntime has no kserve-container");
assert.deepEqual(container.args, entryArgs, "the ServingRuntime's args are the ENTRYPOINT's");
assert.equal(flag(entryArgs, "--models"), "/mnt/models", "KServe mounts the storageUri at /mnt/models");
const httpPort = Number(flag(entryArgs, "--port"));
const grpcPort = Number(flag(entryArgs, "--grpc-port"));
assert.deepEqual(image.exposed.sort(), [httpPort, grpcPort].sort(), "EXPOSE names the two ports");
assert.deepEqual(container.ports.map((p) => p.containerPort), [httpPort]);
for (const probe of [container.readinessProbe, container.livenessProbe])
  assert.equal(probe.httpGet.port, httpPort);
const predictor = service.spec.predictor;
assert.equal(predictor.model.runtime, runtime.metadata.name);
assert.ok(runtime.spec.supportedModelFormats.some((f) => f.name === predictor.model.modelFormat.name));
assert.ok(runtime.spec.protocolVersions.includes(predictor.model.protocolVersion));
assert.ok(runtime.spec.protocolVersions.includes("grpc-v2"), "the runtime serves gRPC too");
const annotations = service.metadata.annotations;
assert.equal(Number(annotations["prometheus.kserve.io/port"]), httpPort);

// --- The runtime stage's packages provide every library the programs load.
const run = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
assert.ok(fs.readdirSync("/var/lib/apt/lists").some((f) => f.includes("_Packages")),
          "Debian's package lists are missing: run apt-get update (make deps does)");
for (const p of image.packages) {
  try {
    run("apt-cache", ["show", "--no-all-versions", p]);
  } catch {
    assert.fail(`the Dockerfile's runtime package ${p} is not in Debian's package lists (apt-cache show)`);
  }
}
// bookworm-slim's own packages that every program needs come with the base image.
const closure = new Set(["libc6", "libgcc-s1", "libstdc++6"]);
for (const line of run("apt-cache", ["depends", "--recurse", "--no-recommends", "--no-suggests", "--no-conflicts",
                                     "--no-breaks", "--no-replaces", "--no-enhances", ...image.packages]).split("\n")) {
  const m = line.match(/^(?:\s+(?:Pre)?Depends:\s+)?<?([a-z0-9][a-z0-9+.-]*)>?$/);
  if (m) closure.add(m[1]);
}
// Every shared library the copied programs load, with the Debian package
// that holds it. The image builds with g++ in Release (as `make` does); a
// sanitizer build loads other libraries (clang's libatomic), so it is not
// the image's and skips this part.
function checkLibraries() {
  const loaded = new Map();  // library path -> the programs loading it
  for (const name of image.programs) {
    const binary = path.join(path.dirname(lib.env("MINIRT_SERVE")), name);
    for (const m of run("ldd", [binary]).matchAll(/=>\s+(\/\S+)/g))
      loaded.set(m[1], [...(loaded.get(m[1]) ?? []), name]);
  }
  const spellings = (file) => {
    const real = fs.realpathSync(file);
    return [...new Set([file, real, real.replace(/^\/usr\/lib\//, "/lib/"), file.replace(/^\/lib\//, "/usr/lib/")])];
  };
  const owners = new Map();  // path -> package
  const dpkg = spawnSync("dpkg", ["-S", ...[...loaded.keys()].flatMap(spellings)], { encoding: "utf8" });
  for (const line of dpkg.stdout.split("\n")) {
    const m = line.match(/^([^:,\s]+)(?::[a-z0-9]+)?: (\S+)$/);
    if (m) owners.set(m[2], m[1]);
  }
  for (const [file, programs] of loaded) {
    const owner = spellings(file).map((s) => owners.get(s)).find(Boolean);
    const user = `${file} (loaded by ${programs.join(" and ")})`;
    assert.ok(owner, `${user} is in no Debian package (dpkg -S): the slim image would not have it`);
    assert.ok(closure.has(owner), `${user} comes with Debian package ${owner}, which the runtime stage ` +
                                  "does not install");
  }
}
const sanitizers = process.env.MINIRT_SANITIZE ?? "";  // ctest passes the build's, empty in Release
if (!sanitizers) checkLibraries();
else console.log(`libraries: not checked in a sanitizer build (MINIRT_SANITIZE=${sanitizers})`);

// --- The entrypoint, run as the image runs it.
// The image's files: the copied programs, and the models KServe mounts, all
// readable by the image's USER (the build tree may not be).
const root = lib.tempDir("deploy");
const bin = path.join(root, "bin"), models = path.join(root, "models");
for (const dir of [root, bin, models]) fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
fs.chmodSync(root, 0o755);
for (const name of image.programs) {
  fs.copyFileSync(path.join(path.dirname(lib.env("MINIRT_SERVE")), name), path.join(bin, name));
  fs.chmodSync(path.join(bin, name), 0o755);
}
lib.convertModel(path.join(lib.sourceDir(), "tests/data/bert-tiny"), models, "bert-tiny", null,
                 ["--max-seq", "32", "--max-batch", "4"]);
const args = entryArgs.map((a, i) =>
  a === "/mnt/models" ? models : ["--port", "--grpc-port"].includes(entryArgs[i - 1]) ? "0" : a);
const uid = Number(image.user);
const asUser = process.getuid() === 0 ? { uid, gid: uid } : {};  // non-root already otherwise
const server = await lib.launchServer(args, asUser, path.join(bin, program));
try {
  for (const probe of [container.readinessProbe, container.livenessProbe]) {
    const r = await fetch(`${server.http}${probe.httpGet.path}`);
    assert.equal(r.status, 200, `probe ${probe.httpGet.path}`);
  }
  const metrics = await fetch(`${server.http}${annotations["prometheus.kserve.io/path"]}`);
  assert.equal(metrics.status, 200);
  assert.match(await metrics.text(), /^# TYPE minirt_/m);
  const block = lib.makeBlock([5], 5, 1000, 3);
  const http = await lib.httpInfer(server, "bert-tiny", lib.inferBody(block));
  assert.equal(http.status, 200, http.text);
  const client = lib.grpcClient(server.grpcAddress);
  assert.equal((await client.call("ServerReady", {})).ready, true);
  const grpc = await client.call("ModelInfer", lib.grpcInferRequest("bert-tiny", block));
  assert.deepEqual(grpc.outputs.map((o) => o.name).sort(), http.json.outputs.map((o) => o.name).sort());
  client.close();
} finally {
  const started = Date.now();
  const { code } = await server.stop();
  assert.equal(code, 0, "SIGTERM: exit 0");
  assert.ok(Date.now() - started < predictor.terminationGracePeriodSeconds * 1000, "within the grace period");
  fs.rmSync(root, { recursive: true, force: true });
}
console.log(`deploy: manifests agree with the image; ${image.packages.length} runtime packages provide ` +
            `${image.programs.join(" and ")}'s libraries; the entrypoint served as uid ${image.user}`);
