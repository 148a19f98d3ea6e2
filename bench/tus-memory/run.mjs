#!/usr/bin/env node
// The issue's requirement: "a 1 GiB upload by tus grows the server's RSS by at most 64 MiB, flat
// in file size". The emulator and the upload handler (built dist, node adapter; handler-server.mjs)
// each run in their own process; the handler samples its own memory every 50 ms and reports it
// over IPC. This process uploads with tus-js-client from a file on disk (a Node file source: read
// per chunk, never whole), waits for the forward to ImageKit through the result route, and checks
// what the emulator stored (size, sha256). Sizes 64 MiB, 256 MiB and 1 GiB, with 4 MiB (the
// default) and 8 MiB chunks, after a warm-up; then the first upload (1 GiB) of handlers that
// have served nothing. Only 127.0.0.1 is contacted; every wait is bounded.
// Usage (from the repo root, after `pnpm build`; see README.md for the options):
//   node bench/tus-memory/run.mjs [--quick] [--reps 3] [--cold-reps 3] [--sizes 64,256,1024]
//     [--smaps] [--samples] [--no-write] [--out file.json]
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, mkdtemp, open, readdir, rename, rm, writeFile } from "node:fs/promises";
import { get } from "node:http";
import { createRequire } from "node:module";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ipcAsker } from "../lib/ipc-asker.mjs";
import { resultHeader, row, writeResult } from "../lib/write-result.mjs";

const MiB = 1024 * 1024;
const GOAL_MIB = 64;
/**
 * "Flat": growth at the largest size ≤ growth at the smallest + this (worst of reps each). One
 * V8 semi-space (16 MiB, Node 20's maximum): whether the forced GC before a run's baseline shrank
 * the young generation moves that run's growth by this much, whatever the file size. Anything
 * that grows with the size shows above it: at 1 GiB, 16 MiB is 1/64 of the bytes, i.e. one
 * 64 KiB read buffer kept per 4 MiB chunk. See README.md.
 */
const FLAT_MARGIN_MIB = 16;
const CHUNK_SIZES = [4 * MiB, 8 * MiB];
const RUN_TIMEOUT_MS = 45 * 60_000;
const STEP_TIMEOUT_MS = 10 * 60_000;
const POLL_MS = 50;

const root = fileURLToPath(new URL("../..", import.meta.url));
const here = join(root, "bench", "tus-memory");
const dist = join(root, "packages", "server", "dist");
const emulatorCli = join(root, "packages", "emulator", "dist", "cli.js");

// tus-js-client is a devDependency of @upkit/server: resolved from there, its Node build.
const { Upload } = createRequire(join(root, "packages", "server", "package.json"))("tus-js-client");

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string", default: "3" },
    samples: { type: "boolean", default: false },
    smaps: { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
    out: { type: "string" },
    sizes: { type: "string" },
    "cold-reps": { type: "string" },
  },
});
const resultFile = values.out ?? join(root, "bench", "results", "tus-memory.json");
const reps = Math.max(1, Math.floor(Number(values.reps)) || 1);
const SIZES = (values.sizes ?? (values.quick ? "64,256" : "64,256,1024"))
  .split(",")
  .map((mebibytes) => Number(mebibytes) * MiB)
  .sort((a, b) => a - b);
if (!SIZES.every((size) => Number.isInteger(size / MiB) && size >= MiB)) {
  throw new Error("--sizes: whole MiB, comma-separated (e.g. 64,256,1024)");
}
/** First uploads of a fresh handler (1 GiB, 4 MiB chunks), each from its own process. */
const COLD_SIZE = 1024 * MiB;
const coldReps = Math.max(
  0,
  Math.floor(Number(values["cold-reps"] ?? (values.quick ? 0 : 3))) || 0,
);
const FILE_SIZE = Math.max(...SIZES, coldReps > 0 ? COLD_SIZE : 0);

const BUILT_FILES = [
  join(dist, "index.js"),
  join(dist, "node.js"),
  join(root, "packages", "core", "dist", "index.js"),
  emulatorCli,
];

/**
 * Waits until the builds exist and have not changed for 3 s: others may be rebuilding dist (it is
 * removed, then written again) while this starts. Gives up after 3 min.
 */
async function waitForBuilds() {
  const deadline = Date.now() + 180_000;
  let last = "";
  let stableSince = Date.now();
  for (;;) {
    const state = BUILT_FILES.map((path) =>
      existsSync(path) ? `${path}@${statSync(path).mtimeMs}` : "",
    ).join("|");
    if (state !== last) {
      last = state;
      stableSince = Date.now();
    }
    const present = BUILT_FILES.every((path) => existsSync(path));
    if (present && Date.now() - stableSince >= 3000) return;
    if (Date.now() > deadline) {
      const missing = BUILT_FILES.filter((path) => !existsSync(path));
      throw new Error(
        missing.length
          ? `${missing.join(", ")} missing: build first (pnpm build)`
          : "dist kept changing for 3 min",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** @type {Set<import("node:child_process").ChildProcess>} */
const children = new Set();
const killChildren = () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
};
let workDir;
const removeWorkDir = async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
};
process.once("exit", killChildren);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    killChildren();
    await removeWorkDir();
    process.exit(130);
  });
}
const watchdog = setTimeout(async () => {
  console.error(`bench: gave up after ${RUN_TIMEOUT_MS / 60_000} min`);
  killChildren();
  await removeWorkDir();
  process.exit(1);
}, RUN_TIMEOUT_MS);

const log = (text) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const mib = (bytes) => round(bytes / MiB, 1);
const label = (size) => (size >= 1024 * MiB ? `${size / (1024 * MiB)} GiB` : `${size / MiB} MiB`);

function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no end after ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------
// The source file: written once in 1 MiB blocks, hashed as it is written (a hash per size)

async function writeSourceFile(path) {
  const block = Buffer.alloc(MiB);
  const sizes = new Set([...SIZES, ...(coldReps > 0 ? [COLD_SIZE] : [])]);
  const hashes = new Map([...sizes].map((size) => [size, createHash("sha256")]));
  const file = await open(path, "w");
  try {
    for (let offset = 0; offset < FILE_SIZE; offset += MiB) {
      randomFillSync(block);
      // A fixed, plain start: random first bytes could be some format's magic number.
      if (offset === 0) block.write("upkit tus-memory bench data\n", 0, "latin1");
      await file.write(block, 0, MiB);
      for (const [size, hash] of hashes) if (offset < size) hash.update(block);
    }
  } finally {
    await file.close();
  }
  return new Map([...hashes].map(([size, hash]) => [size, hash.digest("hex")]));
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Spawns a Node process; resolves once `ready(stdout)` gives a value, or its IPC says ready. */
function startProcess(args, { ipc, ready }) {
  const name = args.find((arg) => /\.m?js$/.test(arg)) ?? args[0];
  const child = spawn(process.execPath, args, {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe", ...(ipc ? ["ipc"] : [])],
  });
  children.add(child);
  let out = "";
  let err = "";
  child.stderr.on("data", (chunk) => {
    err += chunk;
    if (err.length > 20_000) err = err.slice(-20_000);
  });
  child.stdout.on("data", (chunk) => {
    out += chunk;
    if (out.length > 20_000) out = out.slice(-20_000);
  });
  const started = new Promise((resolve, reject) => {
    const fail = (why) => reject(new Error(`${name}: ${why}\n${out}\n${err}`));
    child.once("error", (error) => fail(error.message));
    child.once("exit", (code, signal) => fail(`exited (${code ?? signal})`));
    if (ipc) {
      child.on("message", (message) => {
        if (message.type === "ready") resolve({ child, ready: message });
      });
    } else {
      child.stdout.on("data", () => {
        const value = ready(out);
        if (value) resolve({ child, ready: value });
      });
    }
  });
  return within(started, 30_000, `starting ${name}`);
}

function startEmulator(dataDir) {
  const limit = String(2 * 1024 * MiB);
  return startProcess(
    [
      emulatorCli,
      ...["--port", "0", "--dir", dataDir, "--quiet"],
      // ImageKit's own limits are far smaller; the emulator's are raised to take 1 GiB.
      ...["--max-file-size", limit, "--max-video-size", limit],
    ],
    {
      ready: (out) => out.includes("emulator ready") && /ImageKit emulator at (\S+)/.exec(out)?.[1],
    },
  ).then(({ child, ready: url }) => {
    const privateKey = "private_emulator_key";
    return {
      child,
      url,
      auth: `Basic ${Buffer.from(`${privateKey}:`).toString("base64")}`,
      imagekit: {
        privateKey,
        publicKey: "public_emulator_key",
        urlEndpoint: `${url}/upkit-demo`,
        uploadEndpoint: url,
        apiEndpoint: url,
      },
    };
  });
}

async function startHandler(tusDirectory, imagekit) {
  const serverErrors = [];
  const config = { dist, directory: tusDirectory, imagekit, smaps: values.smaps };
  const { child, ready } = await startProcess(
    ["--expose-gc", join(here, "handler-server.mjs"), JSON.stringify(config)],
    { ipc: true },
  );
  const ask = ipcAsker(child, {
    onOther: (message) => {
      if (message.type === "server-error") serverErrors.push(message.error);
    },
  });
  return {
    child,
    endpoint: `http://127.0.0.1:${ready.port}/api/upload/files/tus`,
    startRssMiB: round(ready.rssMiB),
    serverErrors,
    ask,
  };
}

/**
 * Starts `count` handlers on one build. Others may rebuild dist at any time (it is emptied, then
 * written again): a start that fails, or during which the build changed, is done again.
 */
async function startHandlers(count, tusDirectory, imagekit) {
  for (let attempt = 1; ; attempt++) {
    await waitForBuilds();
    // undefined when a file vanished between the wait and the read: then this attempt fails.
    const read = () => {
      try {
        return provenance();
      } catch {
        return undefined;
      }
    };
    const meta = read();
    const started = await Promise.allSettled(
      Array.from({ length: count }, () => startHandler(tusDirectory, imagekit)),
    );
    const handlers = started.filter((s) => s.status === "fulfilled").map((s) => s.value);
    const same = meta !== undefined && read()?.dist.sha256 === meta.dist.sha256;
    if (handlers.length === count && same) return { handlers, meta };
    for (const handler of handlers) handler.child.kill("SIGKILL");
    const failure = started.find((s) => s.status === "rejected")?.reason;
    if (attempt >= 5) throw failure ?? new Error("dist kept changing while the handlers started");
    log(`the build changed or was missing while the handlers started: again (${attempt})`);
  }
}

// ---------------------------------------------------------------------------------------------
// One upload: tus, then the result route, then what the emulator holds

function tusUpload(endpoint, path, size, chunkSize, fileName) {
  return new Promise((resolve, reject) => {
    // A ReadStream with a path: tus-js-client reads each chunk's range from the file as it sends.
    const source = createReadStream(path, { start: 0, end: size - 1 });
    const upload = new Upload(source, {
      endpoint,
      chunkSize,
      // A failure is a finding here, not something to ride over.
      retryDelays: [],
      storeFingerprintForResuming: false,
      metadata: { filename: fileName, filetype: "application/octet-stream" },
      onError: reject,
      onSuccess: () => resolve(upload.url),
    });
    upload.start();
  });
}

async function waitForResult(uploadUrl) {
  let polls = 0;
  for (;;) {
    polls++;
    const response = await fetch(`${uploadUrl}/result`);
    const body = await response.json();
    if (response.status !== 202) return { status: response.status, body, polls };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function emulatorApi(emulator, method, path) {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { authorization: emulator.auth },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** sha256 of a URL's body, streamed through the hash (never held whole). */
function sha256OfUrl(url) {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET ${url}: ${res.statusCode}`));
        return;
      }
      const hash = createHash("sha256");
      let bytes = 0;
      res.on("data", (chunk) => {
        bytes += chunk.length;
      });
      pipeline(res, hash)
        .then(() => resolve({ sha256: hash.digest("hex"), bytes }))
        .catch(reject);
    }).on("error", reject);
  });
}

async function measureUpload(ctx, size, chunkSize, name) {
  const { handler, emulator, sourcePath, tusDirectory } = ctx;
  const window = await handler.ask({ type: "window" });
  await handler.ask({ type: "phase", name: "upload" });
  const t0 = performance.now();
  const uploadUrl = await within(
    tusUpload(handler.endpoint, sourcePath, size, chunkSize, `${name}.bin`),
    STEP_TIMEOUT_MS,
    `tus upload ${name}`,
  );
  const t1 = performance.now();
  await handler.ask({ type: "phase", name: "forward" });
  const result = await within(waitForResult(uploadUrl), STEP_TIMEOUT_MS, `forward ${name}`);
  const t2 = performance.now();
  const collected = await handler.ask({ type: "collect" });

  // Not timed and not measured: checks of what arrived, then a clean emulator and store.
  const file = result.body?.file;
  const problems = [];
  if (result.status !== 200)
    problems.push(`result ${result.status}: ${JSON.stringify(result.body)}`);
  if (file && file.size !== size) problems.push(`result file.size ${file.size} ≠ ${size}`);
  let stored;
  let hashed;
  if (file?.fileId) {
    const details = await emulatorApi(emulator, "GET", `/v1/files/${file.fileId}/details`);
    stored = details.body?.size;
    if (details.status !== 200 || stored !== size)
      problems.push(`emulator details ${details.status}, size ${stored} ≠ ${size}`);
    hashed = await sha256OfUrl(file.url);
    if (hashed.sha256 !== ctx.hashes.get(size))
      problems.push(`sha256 ${hashed.sha256} ≠ ${ctx.hashes.get(size)}`);
    const deleted = await emulatorApi(emulator, "DELETE", `/v1/files/${file.fileId}`);
    if (deleted.status !== 204) problems.push(`emulator delete ${deleted.status}`);
  }
  const leftInStore = await readdir(tusDirectory);
  if (leftInStore.length > 0) problems.push(`tus store not emptied: ${leftInStore.join(", ")}`);

  const baseline = collected.baseline;
  const phases = Object.fromEntries(
    collected.phases.map((phase) => [
      phase.name,
      {
        ms: phase.ms,
        peakRssGrowthMiB: mib(phase.peakRss - baseline.rss),
        sampledPeakRssGrowthMiB: mib(phase.sampledPeakRss - baseline.rss),
        peakHeapUsedGrowthMiB: mib(phase.peakHeapUsed - baseline.heapUsed),
        peakHeapTotalGrowthMiB: mib(phase.peakHeapTotal - baseline.heapTotal),
        peakExternalGrowthMiB: mib(phase.peakExternal - baseline.external),
        peakArrayBuffersGrowthMiB: mib(phase.peakArrayBuffers - baseline.arrayBuffers),
        // Growth over the baseline of each part, at the highest sampled RSS of the phase.
        atSampledPeakGrowthMiB: Object.fromEntries(
          Object.entries(phase.atPeak).map(([key, value]) => [key, mib(value - baseline[key])]),
        ),
        ...(phase.smapsAtPeak && collected.smapsBaseline
          ? {
              smapsAtSampledPeakGrowthMiB: Object.fromEntries(
                Object.entries(phase.smapsAtPeak).map(([key, value]) => [
                  key,
                  key === "arenaCount" ? value : mib(value - collected.smapsBaseline[key]),
                ]),
              ),
            }
          : {}),
        peakReset: phase.peakReset,
      },
    ]),
  );
  const peakRss = Math.max(...collected.phases.map((phase) => phase.peakRss));
  // A cost per byte or per chunk would make RSS climb through the upload: the median RSS of its
  // last quarter minus that of its second (the first climbs from the post-GC baseline), i.e.
  // across half the file. Only for uploads of 2 s or more (40 samples).
  const uploadRss = collected.samples.filter((s) => s[6] === "upload").map((s) => s[1]);
  const quarter = Math.floor(uploadRss.length / 4);
  const uploadRssDrift =
    uploadRss.length >= 40
      ? median(uploadRss.slice(-quarter)) - median(uploadRss.slice(quarter, 2 * quarter))
      : undefined;
  const end = collected.phases.at(-1)?.end;
  const uploadMs = t1 - t0;
  const forwardMs = t2 - t1;
  return {
    size,
    chunkSize,
    baselineRssMiB: mib(baseline.rss),
    baselineHeapUsedMiB: mib(baseline.heapUsed),
    ...(collected.smapsBaseline
      ? {
          smapsBaselineMiB: Object.fromEntries(
            Object.entries(collected.smapsBaseline).map(([key, value]) => [
              key,
              key === "arenaCount" ? value : mib(value),
            ]),
          ),
        }
      : {}),
    peakRssMiB: mib(peakRss),
    peakRssGrowthMiB: mib(peakRss - baseline.rss),
    rssAfterMiB: end ? mib(end.rss) : undefined,
    uploadMs: round(uploadMs, 0),
    forwardMs: round(forwardMs, 0),
    uploadMiBps: round(size / MiB / (uploadMs / 1000)),
    forwardMiBps: round(size / MiB / (forwardMs / 1000)),
    endToEndMiBps: round(size / MiB / ((uploadMs + forwardMs) / 1000)),
    resultPolls: result.polls,
    uploadRssDriftMiB: uploadRssDrift === undefined ? undefined : mib(uploadRssDrift),
    phases,
    verified: {
      resultStatus: result.status,
      emulatorSize: stored,
      sha256: hashed?.sha256,
      sha256Matches: hashed?.sha256 === ctx.hashes.get(size),
      tusStoreEmptied: leftInStore.length === 0,
      gcBeforeBaseline: window.gcExposed,
    },
    problems,
    ...(values.samples
      ? {
          samples: collected.samples.map(([t, rss, heapTotal, heapUsed, external, ab, phase]) => [
            t,
            mib(rss),
            mib(heapTotal),
            mib(heapUsed),
            mib(external),
            mib(ab),
            phase,
          ]),
        }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Provenance, as sign-latency records it

function git(...args) {
  try {
    return execFileSync("git", ["-C", root, ...args], { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trimEnd();
  } catch {
    return undefined;
  }
}

function newerThan(dir, ms) {
  try {
    return readdirSync(dir, { recursive: true }).filter((file) => {
      const stat = statSync(join(dir, file));
      return stat.isFile() && stat.mtimeMs > ms;
    });
  } catch {
    return [];
  }
}

function provenance() {
  const builtAt = statSync(join(dist, "index.js")).mtimeMs;
  const distHash = createHash("sha256");
  for (const file of ["index.js", "node.js"]) distHash.update(readFileSync(join(dist, file)));
  distHash.update(readFileSync(join(root, "packages", "core", "dist", "index.js")));
  const dirty = git("status", "--porcelain", "--", "packages/server/src", "packages/core/src");
  return {
    commit: git("rev-parse", "--short", "HEAD"),
    uncommittedSourceChanges: dirty ? dirty.split("\n") : [],
    dist: {
      sha256: distHash.digest("hex").slice(0, 16),
      builtAt: new Date(builtAt).toISOString(),
      sourcesNewerThanBuild: ["server", "core"].flatMap((name) =>
        newerThan(join(root, "packages", name, "src"), builtAt),
      ),
    },
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? "?"}`,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    loadavg1mBefore: round(loadavg()[0], 2),
  };
}

// ---------------------------------------------------------------------------------------------
// The run

/** Per size and chunk size, over the reps: growth median and worst, times and rates median. */
function summarise(runs) {
  return SIZES.flatMap((size) =>
    CHUNK_SIZES.map((chunkSize) => {
      const cell = runs.filter((run) => run.size === size && run.chunkSize === chunkSize);
      const uploadMs = median(cell.map((run) => run.uploadMs));
      const forwardMs = median(cell.map((run) => run.forwardMs));
      const drifts = cell.map((run) => run.uploadRssDriftMiB).filter((d) => d !== undefined);
      return {
        size,
        chunkSize,
        reps: cell.length,
        growthMedianMiB: round(median(cell.map((run) => run.peakRssGrowthMiB))),
        growthMaxMiB: Math.max(...cell.map((run) => run.peakRssGrowthMiB)),
        growthRunsMiB: cell.map((run) => run.peakRssGrowthMiB),
        uploadMsMedian: uploadMs,
        forwardMsMedian: forwardMs,
        uploadMiBps: round(size / MiB / (uploadMs / 1000)),
        forwardMiBps: round(size / MiB / (forwardMs / 1000)),
        endToEndMiBps: round(size / MiB / ((uploadMs + forwardMs) / 1000)),
        uploadRssDriftMedianMiB: drifts.length ? round(median(drifts)) : undefined,
      };
    }),
  );
}

function verdict(runs) {
  const worst = (size, chunkSize) =>
    Math.max(
      ...runs
        .filter((run) => run.size === size && run.chunkSize === chunkSize)
        .map((r) => r.peakRssGrowthMiB),
    );
  const smallest = Math.min(...SIZES);
  const largest = Math.max(...SIZES);
  const flat = CHUNK_SIZES.map((chunkSize) => {
    const atSmallest = worst(smallest, chunkSize);
    const atLargest = worst(largest, chunkSize);
    const drifts = runs
      .filter((run) => run.size === largest && run.chunkSize === chunkSize)
      .map((run) => run.uploadRssDriftMiB)
      .filter((drift) => drift !== undefined);
    return {
      chunkSize,
      growthAtSmallestMiB: atSmallest,
      growthAtLargestMiB: atLargest,
      limitMiB: round(atSmallest + FLAT_MARGIN_MIB),
      pass: atLargest <= atSmallest + FLAT_MARGIN_MIB,
      // Not judged; what to read a failure by: the worst growth at each size, and how far RSS
      // moved through the largest upload (second quarter to last, i.e. over half the file).
      worstGrowthBySizeMiB: Object.fromEntries(
        SIZES.map((size) => [label(size), worst(size, chunkSize)]),
      ),
      maxUploadRssDriftAtLargestMiB: drifts.length ? Math.max(...drifts) : undefined,
    };
  });
  const maxGrowth = Math.max(...runs.map((run) => run.peakRssGrowthMiB));
  // Stricter, against the noise of each run's own baseline: the highest peak of any run over
  // the lowest baseline of any run (same process, after the warm-up).
  const crossRun = round(
    Math.max(...runs.map((run) => run.peakRssMiB)) -
      Math.min(...runs.map((run) => run.baselineRssMiB)),
  );
  return {
    goal: `peak RSS growth ≤ ${GOAL_MIB} MiB at every size, and flat: growth at ${label(largest)} ≤ growth at ${label(smallest)} + ${FLAT_MARGIN_MIB} MiB (per chunk size, worst of reps)`,
    maxGrowthMiB: maxGrowth,
    atMost64MiB: maxGrowth <= GOAL_MIB,
    highestPeakOverLowestBaselineMiB: crossRun,
    atMost64MiBAcrossRuns: crossRun <= GOAL_MIB,
    flat,
    flatPass: flat.every((f) => f.pass),
    verified: runs.every((run) => run.problems.length === 0),
    covers1GiB: largest >= 1024 * MiB,
  };
}

/** The run in the suite's result format (bench/README.md); everything measured is in `details`. */
function toResult(details, result, summary, firstUploadAfterStart) {
  const largest = label(Math.max(...SIZES));
  const smallest = label(Math.min(...SIZES));
  const judged = result.covers1GiB ? "" : " (quick: not 1 GiB, so the requirement is not judged)";
  const rows = [
    row(
      `handler RSS growth, worst upload of any size up to ${largest}, after warm-up`,
      result.maxGrowthMiB,
      "MiB",
      `≤ ${GOAL_MIB}`,
      `highest peak − lowest baseline of all runs: ${result.highestPeakOverLowestBaselineMiB} MiB` +
        judged,
      result.covers1GiB ? undefined : null,
    ),
    ...result.flat.map((f) =>
      row(
        `flat in size, ${f.chunkSize / MiB} MiB chunks: worst growth at ${largest} − at ${smallest}`,
        round(f.growthAtLargestMiB - f.growthAtSmallestMiB),
        "MiB",
        `≤ ${FLAT_MARGIN_MIB}`,
        `${f.growthAtSmallestMiB} → ${f.growthAtLargestMiB} MiB` +
          (f.maxUploadRssDriftAtLargestMiB === undefined
            ? ""
            : `; RSS drift through the ${largest} upload ${f.maxUploadRssDriftAtLargestMiB} MiB`),
      ),
    ),
  ];
  if (firstUploadAfterStart.length > 0) {
    const growths = firstUploadAfterStart.map((run) => run.peakRssGrowthMiB);
    rows.push(
      row(
        `first upload (${label(COLD_SIZE)}) of a freshly started handler, worst`,
        Math.max(...growths),
        "MiB",
        undefined,
        `${growths.join(", ")} MiB; not judged: the requirement is taken after warm-up`,
      ),
    );
  }
  if (!result.verified) {
    rows.push(
      row("every upload checked (size, sha256, empty store)", 0, "", "≥ 1", "a check failed"),
    );
  }
  const lines = Object.fromEntries(
    CHUNK_SIZES.map((chunkSize) => [
      `${chunkSize / MiB} MiB chunks`,
      summary.filter((c) => c.chunkSize === chunkSize).map((c) => [c.size / MiB, c.growthMaxMiB]),
    ]),
  );
  return {
    ...resultHeader("tus-memory", values.quick),
    method:
      "The upload handler (packages/server/dist behind its node adapter, tus file store) runs " +
      "alone in its process and samples its own RSS every 50 ms (and VmHWM); tus-js-client " +
      `sends files of ${SIZES.map(label).join(", ")} in 4 MiB (upkit's default) and 8 MiB ` +
      `chunks, ${reps} times each after a warm-up, and waits until the server has streamed each ` +
      "to the emulator (the result route's 200). A run's growth is its peak RSS during upload " +
      "and forward minus its RSS after two forced GCs before it. The requirement: a 1 GiB " +
      `upload grows the RSS by at most ${GOAL_MIB} MiB, flat in file size (growth at the ` +
      `largest size within ${FLAT_MARGIN_MIB} MiB, one V8 semi-space, of that at the smallest).`,
    rows,
    series: {
      "tus-memory-growth": {
        title: "Handler RSS growth by file size (worst of runs)",
        x: "file size (MiB)",
        y: "RSS growth (MiB)",
        xScale: "log",
        lines,
      },
    },
    details,
  };
}

async function main() {
  workDir = await mkdtemp(join(tmpdir(), "upkit-tus-memory-"));
  const sourcePath = join(workDir, "source.bin");
  const tusDirectory = join(workDir, "tus");
  const emulatorDir = join(workDir, "emulator");
  await mkdir(tusDirectory);
  await mkdir(emulatorDir);
  log(`writing a ${label(FILE_SIZE)} source file`);
  const hashes = await writeSourceFile(sourcePath);

  const emulator = await startEmulator(emulatorDir);
  // All handlers start now, so they load the same build; the fresh ones serve nothing until
  // their first upload, at the end.
  const { handlers, meta } = await startHandlers(1 + coldReps, tusDirectory, emulator.imagekit);
  const [handler, ...freshHandlers] = handlers;
  if (meta.dist.sourcesNewerThanBuild.length > 0) {
    log(`note: ${meta.dist.sourcesNewerThanBuild.length} src files changed after the build`);
  }
  const ctx = { handler, emulator, sourcePath, tusDirectory, hashes };
  log(`handler at ${handler.endpoint} (RSS ${handler.startRssMiB} MiB at start)`);

  // Warm-up: modules, JIT, V8's heap reaching its working size; reported apart.
  const coldStart = [];
  for (const chunkSize of CHUNK_SIZES) {
    const run = await measureUpload(ctx, 64 * MiB, chunkSize, `warm-${chunkSize / MiB}`);
    if (run.problems.length > 0) throw new Error(`warm-up: ${run.problems.join("; ")}`);
    const { samples: _samples, ...kept } = run;
    coldStart.push(kept);
    log(`warm-up ${chunkSize / MiB} MiB chunks: growth ${run.peakRssGrowthMiB} MiB`);
  }

  const runs = [];
  for (const size of SIZES) {
    for (let rep = 0; rep < reps; rep++) {
      for (const chunkSize of CHUNK_SIZES) {
        const name = `bench-${size / MiB}m-${chunkSize / MiB}m-${rep}`;
        const run = await measureUpload(ctx, size, chunkSize, name);
        runs.push({ rep, ...run });
        log(
          `${label(size).padStart(7)} ${chunkSize / MiB} MiB chunks: growth ` +
            `${run.peakRssGrowthMiB} MiB (upload ${run.phases.upload.peakRssGrowthMiB}, ` +
            `forward ${run.phases.forward.peakRssGrowthMiB}), upload ${run.uploadMs} ms, ` +
            `forward ${run.forwardMs} ms${run.problems.length ? ` PROBLEMS: ${run.problems.join("; ")}` : ""}`,
        );
      }
    }
  }

  // A handler that has served nothing: its first upload is a 1 GiB one (not judged: the
  // requirement is taken after warm-up; this shows what the one-off heap growth adds).
  const firstUploadAfterStart = [];
  for (const [index, fresh] of freshHandlers.entries()) {
    const run = await measureUpload(
      { ...ctx, handler: fresh },
      COLD_SIZE,
      CHUNK_SIZES[0],
      `cold-${index}`,
    );
    const { samples: _samples, ...kept } = run;
    firstUploadAfterStart.push({ handlerStartRssMiB: fresh.startRssMiB, ...kept });
    handler.serverErrors.push(...fresh.serverErrors);
    // Done with: its memory is not to weigh on the next one's machine.
    fresh.child.kill("SIGTERM");
    log(`fresh handler, first upload ${label(COLD_SIZE)}: growth ${run.peakRssGrowthMiB} MiB`);
  }

  const result = verdict(runs);
  if (firstUploadAfterStart.some((run) => run.problems.length > 0)) result.verified = false;
  const summary = summarise(runs);
  const details = {
    ...meta,
    plan: {
      sizes: SIZES,
      chunkSizes: CHUNK_SIZES,
      reps,
      coldReps,
      sampleMs: 50,
      flatMarginMiB: FLAT_MARGIN_MIB,
    },
    notes:
      "peakRssGrowthMiB = the handler process's peak RSS (max of 50 ms samples and VmHWM, reset " +
      "at each phase) during the upload and the forward, minus its RSS at the start of the run " +
      "(after two forced GCs). uploadMs: tus-js-client start to onSuccess; forwardMs: onSuccess " +
      "to the result route's 200 (polled every 50 ms). MiB/s = MiB of file per second.",
    loadavg1mAfter: round(loadavg()[0], 2),
    handlerStartRssMiB: handler.startRssMiB,
    benchClientMaxRssMiB: round(process.resourceUsage().maxRSS / 1024),
    serverErrors: handler.serverErrors,
    verdict: result,
    summary,
    warmUp: coldStart,
    firstUploadAfterStart,
    runs,
  };
  if (!values["no-write"]) {
    await mkdir(dirname(resultFile), { recursive: true });
    const written = toResult(details, result, summary, firstUploadAfterStart);
    if (values.out) {
      await writeFile(`${resultFile}.tmp`, `${JSON.stringify(written, null, 2)}\n`);
      await rename(`${resultFile}.tmp`, resultFile);
    } else writeResult(written);
  }

  const rows = [
    ["size", "chunk", "growth med / max", "upload", "forward", "MiB/s up / fwd / both", "drift"],
    ...summary.map((c) => [
      label(c.size),
      `${c.chunkSize / MiB} MiB`,
      `${c.growthMedianMiB} / ${c.growthMaxMiB} MiB`,
      `${(c.uploadMsMedian / 1000).toFixed(1)} s`,
      `${(c.forwardMsMedian / 1000).toFixed(1)} s`,
      `${c.uploadMiBps} / ${c.forwardMiBps} / ${c.endToEndMiBps}`,
      c.uploadRssDriftMedianMiB === undefined ? "-" : `${c.uploadRssDriftMedianMiB} MiB`,
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
  console.log(
    `≤ ${GOAL_MIB} MiB: ${result.atMost64MiB ? "PASS" : "FAIL"} (max ${result.maxGrowthMiB} MiB; ` +
      `highest peak − lowest baseline ${result.highestPeakOverLowestBaselineMiB} MiB: ` +
      `${result.atMost64MiBAcrossRuns ? "PASS" : "FAIL"}); ` +
      `flat (+${FLAT_MARGIN_MIB} MiB): ${result.flatPass ? "PASS" : "FAIL"} ` +
      `(${result.flat.map((f) => `${f.chunkSize / MiB} MiB chunks ${f.growthAtSmallestMiB} → ${f.growthAtLargestMiB}`).join(", ")})` +
      `; verified: ${result.verified ? "yes" : "NO"}` +
      (result.covers1GiB ? "" : " (quick: no 1 GiB run, the requirement is not judged)"),
  );
  if (firstUploadAfterStart.length > 0) {
    console.log(
      `first upload after a handler started (${label(COLD_SIZE)}, 4 MiB chunks, not judged): ` +
        `growth ${firstUploadAfterStart.map((run) => run.peakRssGrowthMiB).join(", ")} MiB`,
    );
  }
  if (handler.serverErrors.length > 0)
    console.log(`server errors:\n${handler.serverErrors.join("\n")}`);
  if (!values["no-write"]) console.log(`(results in ${resultFile})`);
  return result.verified && handler.serverErrors.length === 0;
}

let ok = false;
try {
  ok = await main();
} finally {
  clearTimeout(watchdog);
  killChildren();
  await removeWorkDir();
}
process.exitCode = ok ? 0 : 1;
