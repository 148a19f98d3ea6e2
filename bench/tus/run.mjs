#!/usr/bin/env node
// The kit's tus route against the simplest ways to send the same bytes to the same server: one
// file of 1 GiB (--quick: 128 MiB) sent by tus-js-client in upkit's default chunks (4 MiB) and in
// 8 MiB chunks (each chunk one Buffer, as a browser sends a File's slice), in 4 MiB chunks from its
// Node build's own ReadStream source, by raw node:http 4 MiB PATCHes, by one raw PATCH of the whole body after the creation POST, and through the proxy
// route (multipart, streamed on to ImageKit). Then a tus upload whose connection is cut mid-way
// and resumed, counting the bytes the server received beyond the file's size. The upload handler
// (built dist, node adapter; handler-server.mjs) and the emulator run in their own processes;
// cases are interleaved within each repetition so drift hits all alike. Only 127.0.0.1 is
// contacted; every wait is bounded. See README.md.
// Usage (from the repo root, after `pnpm build`):
//   node bench/tus/run.mjs [--quick] [--size 1024] [--reps 3] [--no-write] [--dist DIR]
import { execFileSync, spawn } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, open, readdir, rm } from "node:fs/promises";
import { request } from "node:http";
import { createRequire } from "node:module";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ipcAsker } from "../lib/ipc-asker.mjs";
import { resultHeader, row, writeResult } from "../lib/write-result.mjs";
import { fileSliceReader } from "./file-slice-reader.mjs";

const MiB = 1024 * 1024;
const root = fileURLToPath(new URL("../..", import.meta.url));
const here = join(root, "bench", "tus");
const emulatorCli = join(root, "packages", "emulator", "dist", "cli.js");
const STEP_TIMEOUT_MS = 10 * 60_000;
const RUN_TIMEOUT_MS = 40 * 60_000;
const POLL_MS = 25;

// tus-js-client is a devDependency of @upkit/server and a dependency of @upkit/core: its Node
// build, resolved from there. upkit's default chunk size comes from the built core (the engine's
// defaults module: the package's entry does not export it).
const requireFromServer = createRequire(join(root, "packages", "server", "package.json"));
const { Upload } = requireFromServer("tus-js-client");
const { TUS_CHUNK_SIZE } = await import(
  pathToFileURL(join(root, "packages", "core", "dist", "engine", "defaults.js")).href
);
if (!Number.isInteger(TUS_CHUNK_SIZE)) throw new Error("@upkit/core's TUS_CHUNK_SIZE not found");
const DEFAULT_CHUNK = TUS_CHUNK_SIZE;

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    size: { type: "string" },
    reps: { type: "string" },
    "no-write": { type: "boolean", default: false },
    // A CPU profile of the handler process, written to this directory when it ends.
    "profile-server": { type: "string" },
    // Another build of @upkit/server to measure (a copy of packages/server/dist), to compare
    // builds in alternated runs; it must sit where it resolves the server's dependencies.
    dist: { type: "string" },
  },
});
const dist = values.dist ? resolve(values.dist) : join(root, "packages", "server", "dist");
const SIZE = Number(values.size ?? (values.quick ? 128 : 1024)) * MiB;
const REPS = Math.max(1, Math.floor(Number(values.reps ?? (values.quick ? 2 : 3))) || 1);
if (!Number.isInteger(SIZE / MiB) || SIZE < 16 * MiB) throw new Error("--size: whole MiB ≥ 16");

const children = new Set();
let workDir;
const watchdog = setTimeout(() => {
  console.error(`tus: gave up after ${RUN_TIMEOUT_MS / 60_000} min (watchdog)`);
  cleanUp().finally(() => process.exit(1));
}, RUN_TIMEOUT_MS);
watchdog.unref();
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => cleanUp().finally(() => process.exit(1)));
}

function log(text) {
  console.error(`tus: ${text}`);
}

async function cleanUp() {
  // The handler ends itself when its IPC channel closes, which also writes its CPU profile.
  const ending = [...children].filter((child) => child.connected && child.exitCode === null);
  for (const child of ending) child.disconnect();
  await Promise.race([
    Promise.all(ending.map((child) => new Promise((done) => child.once("exit", done)))),
    new Promise((done) => setTimeout(done, 5000)),
  ]);
  for (const child of children) child.kill("SIGKILL");
  if (workDir) await rm(workDir, { recursive: true, force: true }).catch(() => {});
}

function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// Processes

function startProcess(args, { ipc, ready }) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe", ...(ipc ? ["ipc"] : [])],
  });
  children.add(child);
  let out = "";
  child.stdout.on("data", (chunk) => {
    out = (out + chunk).slice(-20_000);
  });
  child.stderr.on("data", (chunk) => {
    out = (out + chunk).slice(-20_000);
  });
  const started = new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${args[0]} exited (${code}):\n${out}`)));
    if (ipc) child.on("message", (m) => m.type === "ready" && resolve({ child, ready: m }));
    else {
      child.stdout.on("data", () => {
        const value = ready(out);
        if (value) resolve({ child, ready: value });
      });
    }
  });
  return within(started, 30_000, `starting ${args[0]}`);
}

async function startEmulator(dataDir) {
  const limit = String(2 * 1024 * MiB);
  const { child, ready: url } = await startProcess(
    [
      emulatorCli,
      ...["--port", "0", "--dir", dataDir, "--quiet"],
      // ImageKit's own limits are far smaller; the emulator's are raised to take 1 GiB.
      ...["--max-file-size", limit, "--max-video-size", limit],
    ],
    {
      ready: (out) => out.includes("emulator ready") && /ImageKit emulator at (\S+)/.exec(out)?.[1],
    },
  );
  const privateKey = "private_emulator_key";
  return {
    child,
    url,
    auth: `Basic ${Buffer.from(`${privateKey}:`).toString("base64")}`,
    imagekit: {
      privateKey,
      publicKey: "public_emulator_key",
      urlEndpoint: `${url}/bench`,
      uploadEndpoint: url,
      apiEndpoint: url,
    },
  };
}

async function startHandler(directory, imagekit) {
  const serverErrors = [];
  const { child, ready } = await startProcess(
    [
      ...(values["profile-server"]
        ? ["--cpu-prof", "--cpu-prof-dir", values["profile-server"], "--cpu-prof-interval", "500"]
        : []),
      join(here, "handler-server.mjs"),
      JSON.stringify({ dist, directory, imagekit }),
    ],
    { ipc: true },
  );
  const ask = ipcAsker(child, {
    onOther: (message) => {
      if (message.type === "server-error") serverErrors.push(message.error);
    },
  });
  return { child, port: ready.port, origin: `http://127.0.0.1:${ready.port}`, serverErrors, ask };
}

/**
 * A TCP proxy in front of `port` that cuts the connection carrying the `cutAt + 1`-th byte of
 * the uploads (client to server) once, destroying both sides as a dropped network does.
 */
function startCuttingProxy(port, cutAt) {
  let passed = 0;
  let cut = false;
  const server = createServer((client) => {
    const upstream = connect(port, "127.0.0.1");
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      a.on("error", () => {});
      a.on("close", () => b.destroy());
    }
    upstream.pipe(client);
    client.on("data", (chunk) => {
      if (!cut && passed + chunk.length > cutAt) {
        cut = true;
        upstream.write(chunk.subarray(0, cutAt - passed));
        passed = cutAt;
        client.destroy();
        upstream.destroy();
        return;
      }
      passed += chunk.length;
      if (!upstream.write(chunk)) {
        client.pause();
        upstream.once("drain", () => client.resume());
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ port: server.address().port, wasCut: () => cut, close: () => server.close() }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// The ways to send the file

/**
 * tus-js-client from the file on disk, never read whole; resolves the upload URL. `source`:
 * "slices" (each chunk a Buffer of its range, as a browser sends a `File`'s slice; see
 * file-slice-reader.mjs) or "stream" (the Node build's own source for a `ReadStream` with a path,
 * which opens a new ReadStream per chunk and pipes it into the request).
 */
function tusUpload(endpoint, path, chunkSize, { retryDelays = [], source = "slices" } = {}) {
  return new Promise((resolve, reject) => {
    const input = source === "stream" ? createReadStream(path) : { path };
    const upload = new Upload(input, {
      endpoint,
      chunkSize,
      retryDelays,
      storeFingerprintForResuming: false,
      metadata: { filename: "bench.bin", filetype: "application/octet-stream" },
      ...(source === "slices" ? { fileReader: fileSliceReader } : {}),
      onError: reject,
      onSuccess: () => resolve(upload.url),
    });
    upload.start();
  });
}

function httpRequest(url, { method, headers, body }) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body === undefined) req.end();
    else pipeline(body, req).catch(reject);
  });
}

/** The tus creation POST, with the metadata the engine sends; resolves the upload URL. */
async function createUpload(endpoint) {
  const metadata = [
    `filename ${Buffer.from("bench.bin").toString("base64")}`,
    `filetype ${Buffer.from("application/octet-stream").toString("base64")}`,
  ].join(",");
  const created = await httpRequest(endpoint, {
    method: "POST",
    headers: { "tus-resumable": "1.0.0", "upload-length": SIZE, "upload-metadata": metadata },
  });
  if (created.status !== 201) throw new Error(`tus creation: ${created.status} ${created.text}`);
  const uploadUrl = new URL(created.headers.location, endpoint).href;
  return uploadUrl;
}

/** The tus creation POST, then the whole file in one PATCH; resolves the upload URL. */
async function onePatch(endpoint, path) {
  const uploadUrl = await createUpload(endpoint);
  const patched = await httpRequest(uploadUrl, {
    method: "PATCH",
    headers: {
      "tus-resumable": "1.0.0",
      "upload-offset": "0",
      "content-type": "application/offset+octet-stream",
      "content-length": SIZE,
    },
    body: createReadStream(path),
  });
  if (patched.status !== 204) throw new Error(`tus PATCH: ${patched.status} ${patched.text}`);
  return uploadUrl;
}

/**
 * The tus creation POST, then the file in `chunkSize` PATCHes, each a raw node:http request
 * streaming its slice of the file: tus's chunks without tus-js-client, whose Node HTTP stack is
 * not the one a browser uses. Resolves the upload URL.
 */
async function rawChunks(endpoint, path, chunkSize) {
  const uploadUrl = await createUpload(endpoint);
  for (let offset = 0; offset < SIZE; offset += chunkSize) {
    const end = Math.min(SIZE, offset + chunkSize);
    const patched = await httpRequest(uploadUrl, {
      method: "PATCH",
      headers: {
        "tus-resumable": "1.0.0",
        "upload-offset": String(offset),
        "content-type": "application/offset+octet-stream",
        "content-length": end - offset,
      },
      body: createReadStream(path, { start: offset, end: end - 1 }),
    });
    if (patched.status !== 204) throw new Error(`tus PATCH: ${patched.status} ${patched.text}`);
  }
  return uploadUrl;
}

/** The proxy route: multipart `size` then `file`, streamed; resolves its JSON answer. */
async function proxyUpload(url, path) {
  const boundary = "----upkit-bench-boundary";
  const head = Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="size"\r\n\r\n${SIZE}\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="bench.bin"\r\n` +
      "content-type: application/octet-stream\r\n\r\n",
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  async function* body() {
    yield head;
    yield* createReadStream(path);
    yield tail;
  }
  const answer = await httpRequest(url, {
    method: "POST",
    headers: {
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": head.length + SIZE + tail.length,
    },
    body: body(),
  });
  return { status: answer.status, body: JSON.parse(answer.text || "null") };
}

async function waitForResult(uploadUrl) {
  for (;;) {
    const response = await fetch(`${uploadUrl}/result`);
    const body = await response.json();
    if (response.status !== 202) return { status: response.status, body };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

// ---------------------------------------------------------------------------------------------
// One measured upload

async function measure(ctx, name, send) {
  const { handler, emulator } = ctx;
  const before = await handler.ask({ type: "reset" });
  const t0 = performance.now();
  const sent = await within(send(), STEP_TIMEOUT_MS, `${name}: upload`);
  const t1 = performance.now();
  // tus: the bytes are on the server; the file reaches ImageKit when the result route says so.
  const result = sent.uploadUrl
    ? await within(waitForResult(sent.uploadUrl), STEP_TIMEOUT_MS, `${name}: forward`)
    : sent.result;
  const t2 = performance.now();
  const stats = await handler.ask({ type: "stats" });

  // Not timed: what arrived, then a clean emulator for the next run.
  const problems = [];
  const file = result.body?.file;
  if (result.status !== 200)
    problems.push(`answer ${result.status}: ${JSON.stringify(result.body)}`);
  else if (file?.size !== SIZE) problems.push(`stored size ${file?.size} ≠ ${SIZE}`);
  if (file?.fileId) {
    const deleted = await fetch(`${emulator.url}/v1/files/${file.fileId}`, {
      method: "DELETE",
      headers: { authorization: emulator.auth },
    });
    if (deleted.status !== 204) problems.push(`emulator delete ${deleted.status}`);
  }
  if (problems.length > 0) throw new Error(`${name}: ${problems.join("; ")}`);
  // Each upload leaves 2 GiB of dirty pages (the tus store's copy and the emulator's): written
  // back now, untimed, so that the next case does not pay for this one's writeback.
  settleDisk();
  const run = {
    uploadMs: round(t1 - t0, 1),
    forwardMs: round(t2 - t1, 1),
    totalMs: round(t2 - t0, 1),
    patchBodyBytes: stats.patchBodyBytes,
    patches: stats.patches,
    patchServerMs: stats.patchServerMs,
    rssGrowthMiB: round((stats.peakRss - before.rss) / MiB, 1),
    ...(sent.cut === undefined ? {} : { cut: sent.cut }),
  };
  log(
    `${name}: upload ${(run.uploadMs / 1000).toFixed(2)} s, forward ` +
      `${(run.forwardMs / 1000).toFixed(2)} s, ${run.patches} PATCH (server ` +
      `${(run.patchServerMs / 1000).toFixed(2)} s), RSS +${run.rssGrowthMiB} MiB`,
  );
  return run;
}

const CASES = {
  "tus default": (ctx) =>
    tusUpload(ctx.tusEndpoint, ctx.source, DEFAULT_CHUNK).then((uploadUrl) => ({ uploadUrl })),
  "tus 8 MiB": (ctx) =>
    tusUpload(ctx.tusEndpoint, ctx.source, 8 * MiB).then((uploadUrl) => ({ uploadUrl })),
  "tus ReadStream": (ctx) =>
    tusUpload(ctx.tusEndpoint, ctx.source, DEFAULT_CHUNK, { source: "stream" }).then(
      (uploadUrl) => ({ uploadUrl }),
    ),
  "one PATCH": (ctx) => onePatch(ctx.tusEndpoint, ctx.source).then((uploadUrl) => ({ uploadUrl })),
  "raw chunks": (ctx) =>
    rawChunks(ctx.tusEndpoint, ctx.source, DEFAULT_CHUNK).then((uploadUrl) => ({ uploadUrl })),
  proxy: (ctx) => proxyUpload(ctx.proxyUrl, ctx.source).then((result) => ({ result })),
};

/** tus in default chunks through a proxy that cuts the upload once, a little past the middle. */
async function cutCase(ctx) {
  // Past the middle and inside a chunk, so the cut loses part of one.
  const cutAt = Math.floor(SIZE / 2) + Math.floor(DEFAULT_CHUNK / 3);
  const proxy = await startCuttingProxy(ctx.handler.port, cutAt);
  try {
    const endpoint = `http://127.0.0.1:${proxy.port}/api/upload/tus/tus`;
    // tus-js-client's own retry: HEAD for the server's offset, then PATCH from there.
    const viaProxy = await tusUpload(endpoint, ctx.source, DEFAULT_CHUNK, {
      retryDelays: [0, 200, 1000],
    });
    // The result is asked of the server itself: the proxy is gone by then.
    const uploadUrl = new URL(new URL(viaProxy).pathname, ctx.handler.origin).href;
    return { uploadUrl, cut: proxy.wasCut() };
  } finally {
    proxy.close();
  }
}

function settleDisk() {
  try {
    execFileSync("sync", { stdio: "ignore", timeout: 120_000 });
  } catch {
    // no sync(1) here: the next case may share this one's writeback
  }
}

// ---------------------------------------------------------------------------------------------

async function writeSource(path) {
  const file = await open(path, "w");
  try {
    const block = Buffer.alloc(MiB);
    for (let written = 0; written < SIZE; written += MiB) {
      randomFillSync(block);
      // Plain text first, so that the sniffed type is no format's (nothing to check or decode).
      if (written === 0) block.write("upkit tus benchmark: random bytes follow\n", 0, "latin1");
      await file.write(block, 0, Math.min(MiB, SIZE - written));
    }
  } finally {
    await file.close();
  }
}

async function main() {
  for (const built of [join(dist, "index.js"), join(dist, "node.js"), emulatorCli]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`pnpm build\` first`);
  }
  workDir = await mkdtemp(join(tmpdir(), "upkit-bench-tus-"));
  const source = join(workDir, "source.bin");
  const tusDirectory = join(workDir, "tus");
  await mkdir(tusDirectory);
  await writeSource(source);
  const emulator = await startEmulator(join(workDir, "emulator"));
  children.add(emulator.child);
  const handler = await startHandler(tusDirectory, emulator.imagekit);
  const ctx = {
    handler,
    emulator,
    source,
    tusEndpoint: `${handler.origin}/api/upload/tus/tus`,
    proxyUrl: `${handler.origin}/api/upload/proxy/proxy`,
  };

  log(`warm-up, then ${REPS} × each way at ${SIZE / MiB} MiB`);
  const runs = Object.fromEntries([...Object.keys(CASES), "cut"].map((name) => [name, []]));
  const order = Object.keys(CASES);
  // Warm-up (discarded): each way once, so the JIT, the heaps and the page cache are warm for all.
  for (const name of order) await measure(ctx, `${name} (warm-up)`, () => CASES[name](ctx));
  for (let rep = 0; rep < REPS; rep++) {
    // A B C D, D C B A, ...: drift and order hit every way alike.
    for (const name of rep % 2 ? [...order].reverse() : order) {
      runs[name].push(await measure(ctx, name, () => CASES[name](ctx)));
    }
    runs.cut.push(await measure(ctx, "cut and resumed", () => cutCase(ctx)));
  }
  const left = await readdir(tusDirectory);
  if (left.length > 0) throw new Error(`tus store not emptied: ${left.join(", ")}`);
  if (handler.serverErrors.length > 0) {
    throw new Error(`server errors:\n${handler.serverErrors.slice(0, 3).join("\n")}`);
  }
  return report(runs);
}

function report(runs) {
  const med = (name, key) => median(runs[name].map((run) => run[key]));
  const mbps = (ms) => round(SIZE / 1e6 / (ms / 1000), 1);
  const patchUp = med("one PATCH", "uploadMs");
  // Per repetition, one PATCH's upload time over this case's (the cases of a repetition ran
  // back to back); the value is their median, less moved by a burst of the machine's other work
  // than a ratio of medians.
  const paired = (name) =>
    runs[name]
      .map((run, i) => runs["one PATCH"][i].uploadMs / run.uploadMs)
      .map((r) => round(r, 2));
  const sizeLabel = SIZE >= 1024 * MiB ? `${SIZE / 1024 / MiB} GiB` : `${SIZE / MiB} MiB`;
  const rows = [];
  for (const [name, label] of [
    ["tus default", `tus, ${DEFAULT_CHUNK / MiB} MiB chunks (upkit's default)`],
    ["tus 8 MiB", "tus, 8 MiB chunks"],
  ]) {
    // tus-js-client sending each chunk's bytes as one Buffer, as a browser sends a File's slice.
    const up = med(name, "uploadMs");
    rows.push(
      row(
        `${label}: upload throughput / one PATCH, ${sizeLabel}`,
        round(median(paired(name)), 2),
        "ratio",
        "≥ 0.75",
        `median of the repetitions' ratios ${paired(name).join(", ")}; median ${mbps(up)} vs ` +
          `${mbps(patchUp)} MB/s; ${runs[name][0].patches} PATCH requests`,
      ),
    );
  }
  // The same chunks from tus-js-client's own Node source (a ReadStream per chunk), and without
  // tus-js-client; then what each PATCH costs the server beyond its bytes: which share of the
  // chunked upload's gap is the client's, which the route's.
  rows.push(
    row(
      `tus-js-client's Node ReadStream source, ${DEFAULT_CHUNK / MiB} MiB chunks / one PATCH, ${sizeLabel}`,
      round(median(paired("tus ReadStream")), 2),
      "ratio",
      undefined,
      `median of the repetitions' ratios ${paired("tus ReadStream").join(", ")}; median ` +
        `${mbps(med("tus ReadStream", "uploadMs"))} MB/s`,
    ),
  );
  rows.push(
    row(
      `raw node:http PATCHes of ${DEFAULT_CHUNK / MiB} MiB (no tus-js-client) / one PATCH, ${sizeLabel}`,
      round(median(paired("raw chunks")), 2),
      "ratio",
      undefined,
      `median of the repetitions' ratios ${paired("raw chunks").join(", ")}; median ` +
        `${mbps(med("raw chunks", "uploadMs"))} MB/s`,
    ),
  );
  const perPatch = (name) =>
    (med(name, "patchServerMs") - med("one PATCH", "patchServerMs")) / (runs[name][0].patches - 1);
  rows.push(
    row(
      `server time per ${DEFAULT_CHUNK / MiB} MiB PATCH beyond one PATCH's, tus-js-client (slices)`,
      round(perPatch("tus default"), 1),
      "ms",
      undefined,
      `tus-js-client's ReadStream source: ${round(perPatch("tus ReadStream"), 1)} ms; raw ` +
        `node:http chunks: ${round(perPatch("raw chunks"), 1)} ms; (median server time in PATCH ` +
        "requests − one PATCH's) ÷ (PATCH requests − 1), which includes waiting for the client's bytes",
    ),
  );
  const tusTotal = med("tus default", "totalMs");
  const proxyTotal = med("proxy", "totalMs");
  rows.push(
    row(
      `tus (${DEFAULT_CHUNK / MiB} MiB chunks) end to end / proxy route, ${sizeLabel}`,
      round(proxyTotal / tusTotal, 2),
      "ratio",
      undefined,
      `upload + forward to ImageKit: ${mbps(tusTotal)} vs ${mbps(proxyTotal)} MB/s; ` +
        "the proxy streams to ImageKit while it receives, tus stores first",
    ),
  );
  const resent = Math.max(...runs.cut.map((run) => run.patchBodyBytes - SIZE));
  rows.push(
    row(
      `bytes re-sent after a cut (${DEFAULT_CHUNK / MiB} MiB chunks)`,
      round(resent / MiB, 2),
      "MiB",
      `≤ ${DEFAULT_CHUNK / MiB}`,
      `server received ${runs.cut.map((run) => run.patchBodyBytes - SIZE).join(", ")} bytes ` +
        `beyond the file's ${SIZE} (worst shown); cut: ${runs.cut.every((run) => run.cut) ? "yes" : "NO"}`,
      runs.cut.every((run) => run.cut) ? undefined : null,
    ),
  );
  const forward = med("tus default", "forwardMs");
  rows.push(
    row(
      `forward to ImageKit / upload time, tus ${DEFAULT_CHUNK / MiB} MiB chunks`,
      round(forward / med("tus default", "uploadMs"), 2),
      "ratio",
      undefined,
      `last byte to the result route's 200: ${round(forward / 1000, 2)} s ` +
        `(8 MiB chunks ${round(med("tus 8 MiB", "forwardMs") / 1000, 2)} s, one PATCH ` +
        `${round(med("one PATCH", "forwardMs") / 1000, 2)} s)`,
    ),
  );
  const growth = (name) => Math.max(...runs[name].map((run) => run.rssGrowthMiB));
  rows.push(
    row(
      `server RSS growth, tus ${DEFAULT_CHUNK / MiB} MiB chunks (worst)`,
      growth("tus default"),
      "MiB",
      undefined,
      `8 MiB chunks ${growth("tus 8 MiB")}, one PATCH ${growth("one PATCH")}, proxy ` +
        `${growth("proxy")}, cut ${growth("cut")} MiB (peak RSS during upload and forward − ` +
        "RSS before, no forced GC; tus-memory measures this properly)",
    ),
  );
  const names = {
    "tus default": `tus ${DEFAULT_CHUNK / MiB} MiB`,
    "tus 8 MiB": "tus 8 MiB",
    "tus ReadStream": `tus ${DEFAULT_CHUNK / MiB} MiB, ReadStream source`,
    "one PATCH": "one PATCH",
    "raw chunks": `raw ${DEFAULT_CHUNK / MiB} MiB PATCHes`,
    proxy: "proxy route",
  };
  return {
    ...resultHeader("tus", values.quick),
    method:
      `One file of ${sizeLabel} (random bytes) goes to the kit's tus route ` +
      "(createUploadHandler from packages/server/dist behind its node adapter, file store, in " +
      "its own process; the emulator in another) in six ways, interleaved, " +
      `${REPS} times each: tus-js-client with ${DEFAULT_CHUNK / MiB} MiB chunks (upkit's ` +
      "default) and with 8 MiB chunks, each chunk one Buffer read from the file (as a browser " +
      "sends a File's slice), tus-js-client with its Node build's ReadStream source in " +
      `${DEFAULT_CHUNK / MiB} MiB chunks, one raw node:http PATCH of the whole body after the ` +
      `creation POST, raw node:http PATCHes of ${DEFAULT_CHUNK / MiB} MiB, and a multipart ` +
      "POST to the proxy route. Upload time runs from the first " +
      "request to the last byte's answer; forward time from there to the result route's 200 " +
      "(polled every 25 ms), once the server has streamed the stored file to the emulator. A " +
      "further tus upload goes through a TCP proxy that cuts the connection once past the " +
      "middle; tus-js-client resumes from the server's offset, and the server counts the PATCH " +
      "body bytes it received. Each upload's files are flushed to disk (sync) before the next " +
      "starts, untimed. Throughput rows are medians of the per-repetition ratios.",
    rows,
    series: {
      "tus-times": {
        kind: "bar",
        title: `Time to ImageKit, ${sizeLabel} (median, s): upload + forward`,
        y: "seconds",
        bars: Object.entries(names).map(([name, label]) => [
          label,
          round(med(name, "totalMs") / 1000, 2),
        ]),
      },
    },
    details: { size: SIZE, defaultChunk: DEFAULT_CHUNK, reps: REPS, runs },
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function round(n, digits = 1) {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

let ok = false;
try {
  const result = await main();
  for (const r of result.rows) {
    console.log(
      `${r.met === true ? "✓" : r.met === false ? "✗" : " "} ${r.measure}: ${r.value} ${r.unit === "ratio" ? "" : r.unit} (${r.detail})`,
    );
  }
  if (!values["no-write"]) console.log(`(written to ${writeResult(result)})`);
  ok = true;
} catch (error) {
  console.error(`tus: ${error?.stack ?? error}`);
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
process.exitCode = ok ? 0 : 1;
