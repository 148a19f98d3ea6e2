#!/usr/bin/env node
// Latency of the sign route (`POST /api/upload/{profile}/sign`) as ratios against a bare JSON
// route served by the same node:http server in the same process, measured in the same run:
// p50, p99 and requests/s at 1, 10 and 100 concurrent requests, sign / bare.
// The server runs on the main thread; the load generator runs in a worker thread of the same
// process (its own event loop, so its cost is not added to the server's), or on the main thread
// with `--client inline`. Only 127.0.0.1 is contacted; signing contacts nothing.
// Bounded: a fixed number of requests, a timeout on each, and a watchdog that ends the run.
// Usage (build first: pnpm exec turbo run build --filter=@upkit/server --output-logs=errors-only):
//   node bench/sign-latency/run.mjs [--root <repo>] [--requests 2000] [--warmup 200]
//     [--rounds 5] [--concurrency 1,10,100] [--client worker|inline] [--only sign] [--no-write]
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { Agent, createServer, request } from "node:http";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

const RUN_TIMEOUT_MS = 5 * 60_000;
/** The load generator stops sending this long after it started, whatever is left. */
const LOAD_BUDGET_MS = RUN_TIMEOUT_MS - 30_000;
const REQUEST_TIMEOUT_MS = 10_000;
const KEPT_RUNS = 30;

const BARE_PATH = "/bare";
const SIGN_PATH = "/api/upload/gallery/sign";
const REQUEST_BODY = JSON.stringify({
  files: [{ name: "photo.png", size: 1000, type: "image/png" }],
});
const BARE_ANSWER = Buffer.from(JSON.stringify({ ok: true, files: [{ name: "photo.png" }] }));

// ---------------------------------------------------------------------------------------------
// Load generator (runs in the worker, or inline)

/** One POST with the sign body; resolves with status, elapsed ms and (if asked) the body. */
function send(port, agent, path, keepBody) {
  return new Promise((done) => {
    const started = performance.now();
    const req = request({
      host: "127.0.0.1",
      port,
      path,
      method: "POST",
      agent,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(REQUEST_BODY),
      },
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error("timed out")));
    req.on("response", (res) => {
      let text = "";
      if (keepBody) res.setEncoding("utf8");
      res.on("data", (chunk) => {
        if (keepBody) text += chunk;
      });
      res.on("end", () =>
        done({ status: res.statusCode, ms: performance.now() - started, body: text }),
      );
      res.on("error", (error) => done({ status: 0, ms: 0, error: error.message }));
    });
    req.on("error", (error) => done({ status: 0, ms: 0, error: error.message }));
    req.end(REQUEST_BODY);
  });
}

/**
 * `count` requests to `path`, `concurrency` at a time (closed loop); latencies into `sink`.
 * Past `deadline` no more are sent: the rest count as `notSent`.
 */
async function phase(port, agent, path, count, concurrency, sink, deadline) {
  let next = 0;
  const started = performance.now();
  const workers = Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count && performance.now() < deadline) {
      next++;
      const answer = await send(port, agent, path, false);
      if (answer.status === 200) sink.latencies.push(answer.ms);
      else {
        sink.failures++;
        const why = answer.error ?? `HTTP ${answer.status}`;
        sink.failureReasons[why] = (sink.failureReasons[why] ?? 0) + 1;
      }
    }
  });
  await Promise.all(workers);
  sink.notSent += count - next;
  sink.elapsedMs += performance.now() - started;
  sink.roundEnds.push(sink.latencies.length);
}

/** Checks once per route that the answer is what the route should answer. */
async function checkAnswers(port) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const bare = await send(port, agent, BARE_PATH, true);
    if (bare.status !== 200 || bare.body !== BARE_ANSWER.toString()) {
      throw new Error(`bare route answered ${bare.status}: ${bare.body ?? bare.error}`);
    }
    const sign = await send(port, agent, SIGN_PATH, true);
    const token = sign.status === 200 && JSON.parse(sign.body).files?.[0]?.fields?.token;
    if (typeof token !== "string" || token.split(".").length !== 3) {
      throw new Error(`sign route answered ${sign.status}: ${sign.body ?? sign.error}`);
    }
  } finally {
    agent.destroy();
  }
}

/**
 * The whole load plan; `report` receives each level as it completes. A level whose requests
 * time out stops there (its remaining requests count as not sent), and so does the plan at its
 * time budget, so a server that stops answering still ends in a report.
 */
async function runLoad(plan, report) {
  const deadline = performance.now() + LOAD_BUDGET_MS;
  await checkAnswers(plan.port);
  const fresh = () => ({
    latencies: [],
    failures: 0,
    failureReasons: {},
    notSent: 0,
    elapsedMs: 0,
    roundEnds: [],
  });
  for (const concurrency of plan.concurrencies) {
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const level = { concurrency, stopped: undefined, warmup: { bare: fresh(), sign: fresh() } };
    level.bare = fresh();
    level.sign = fresh();
    const timedOut = () =>
      Object.values(level.warmup)
        .concat(level.bare, level.sign)
        .some((side) => side.failureReasons["timed out"]);
    // Warm-up (discarded): JIT, sockets opened up to `concurrency`, heap at working size.
    for (const name of plan.routes) {
      const path = name === "bare" ? BARE_PATH : SIGN_PATH;
      await phase(plan.port, agent, path, plan.warmup, concurrency, level.warmup[name], deadline);
    }
    if (timedOut()) level.stopped = "requests timed out (warm-up)";
    const perRound = Math.ceil(plan.requests / plan.rounds);
    for (let round = 0; round < plan.rounds; round++) {
      const count = Math.min(perRound, plan.requests - round * perRound);
      if (count <= 0) break;
      // A B B A ...: drift (thermal, neighbours, heap growth) and order hit both routes alike.
      const order = round % 2 ? ["sign", "bare"] : ["bare", "sign"];
      for (const name of order.filter((route) => plan.routes.includes(route))) {
        const path = name === "bare" ? BARE_PATH : SIGN_PATH;
        const stop = level.stopped ? performance.now() : deadline;
        await phase(plan.port, agent, path, count, concurrency, level[name], stop);
        if (!level.stopped && timedOut()) level.stopped = "requests timed out";
        if (!level.stopped && performance.now() >= deadline) level.stopped = "time budget";
      }
    }
    agent.destroy();
    report(level);
  }
}

if (!isMainThread) {
  runLoad(workerData, (level) => parentPort.postMessage({ type: "level", level })).then(
    () => parentPort.postMessage({ type: "done" }),
    (error) => parentPort.postMessage({ type: "error", message: error.stack ?? String(error) }),
  );
} else {
  await main();
}

// ---------------------------------------------------------------------------------------------
// Server and report (main thread)

async function main() {
  const startedAt = performance.now();
  const { values } = parseArgs({
    options: {
      root: { type: "string" },
      requests: { type: "string", default: "2000" },
      warmup: { type: "string", default: "200" },
      rounds: { type: "string", default: "5" },
      concurrency: { type: "string", default: "1,10,100" },
      client: { type: "string", default: "worker" },
      // For profiling one route alone (no ratios then): --only sign
      only: { type: "string" },
      "no-write": { type: "boolean", default: false },
    },
  });
  const here = fileURLToPath(new URL("../..", import.meta.url));
  const root = resolve(values.root ?? here);
  const resultFile = join(here, "bench", "results", "sign-latency.json");
  const plan = {
    requests: positive(values.requests, "--requests"),
    warmup: positive(values.warmup, "--warmup"),
    rounds: positive(values.rounds, "--rounds"),
    concurrencies: values.concurrency.split(",").map((c) => positive(c, "--concurrency")),
    routes: values.only ? [values.only] : ["bare", "sign"],
  };
  if (!plan.routes.every((route) => route === "bare" || route === "sign")) {
    throw new Error("--only is bare or sign");
  }
  if (values.client !== "worker" && values.client !== "inline") {
    throw new Error("--client is worker or inline");
  }

  const dist = join(root, "packages", "server", "dist");
  if (!existsSync(join(dist, "index.js")) || !existsSync(join(dist, "node.js"))) {
    throw new Error(
      `${dist} is not built: run \`pnpm exec turbo run build --filter=@upkit/server ` +
        `--output-logs=errors-only\` in ${root}`,
    );
  }
  // What is measured: the commit checked out and the build in dist (which includes whatever
  // uncommitted changes the sources had when it was built).
  const git = (...args) => {
    try {
      return execFileSync("git", ["-C", root, ...args], { stdio: ["ignore", "pipe", "ignore"] })
        .toString()
        .trimEnd();
    } catch {
      return undefined;
    }
  };
  const dirty = git("status", "--porcelain", "--", "packages/server/src", "packages/core/src");
  const builtAt = statSync(join(dist, "index.js")).mtimeMs;
  const sources = ["server", "core"].map((name) => join(root, "packages", name, "src"));
  const distHash = createHash("sha256");
  for (const file of ["index.js", "node.js"]) distHash.update(readFileSync(join(dist, file)));
  const meta = {
    root,
    commit: git("rev-parse", "--short", "HEAD"),
    uncommittedSourceChanges: dirty ? dirty.split("\n") : [],
    dist: {
      sha256: distHash.digest("hex").slice(0, 16),
      builtAt: new Date(builtAt).toISOString(),
      // Source files changed after the build: then the build is not the sources (nor `commit`).
      sourcesNewerThanBuild: sources.flatMap((dir) => newerThan(dir, builtAt)).length,
    },
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? "?"}`,
    loadavg1mBefore: round(loadavg()[0], 2),
    client: values.client,
    plan: { ...plan, requestBody: REQUEST_BODY },
  };

  const { createUploadHandler, defineProfile } = await import(
    pathToFileURL(join(dist, "index.js")).href
  );
  const { toNodeHandler } = await import(pathToFileURL(join(dist, "node.js")).href);

  const serverErrors = [];
  const uploads = toNodeHandler(
    createUploadHandler({
      imagekit: {
        privateKey: "private_emulator_key",
        publicKey: "public_emulator_key",
        urlEndpoint: "http://127.0.0.1:1/x",
        uploadEndpoint: "http://127.0.0.1:1",
        apiEndpoint: "http://127.0.0.1:1",
      },
      profiles: {
        gallery: defineProfile({
          rateLimit: false,
          restrictions: { maxFileSize: "20MB", accept: ["image/*"] },
          options: () => ({ folder: "/gallery", tags: ["a", "b"] }),
        }),
      },
      onError: (error) => serverErrors.push(String(error?.stack ?? error)),
    }),
  );

  const server = createServer((req, res) => {
    if (req.url === BARE_PATH && req.method === "POST") {
      // The baseline: the same server and the same body read + JSON.parse, a fixed answer.
      const chunks = [];
      req.on("data", (chunk) => chunks.push(chunk));
      req.on("end", () => {
        try {
          JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          res.writeHead(400).end();
          return;
        }
        res.writeHead(200, {
          "content-type": "application/json; charset=utf-8",
          "cache-control": "no-store",
          "content-length": BARE_ANSWER.length,
        });
        res.end(BARE_ANSWER);
      });
      return;
    }
    if (req.url?.startsWith("/api/upload")) {
      Promise.resolve(uploads(req, res)).catch((error) => {
        serverErrors.push(String(error?.stack ?? error));
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
  const port = server.address().port;

  const levels = [];
  const finish = (incomplete) => {
    const report = buildReport(meta, levels, serverErrors, startedAt, incomplete);
    printTable(report);
    if (!values["no-write"]) writeReport(resultFile, report);
    if (report.failures > 0 || report.notSent > 0 || serverErrors.length > 0 || incomplete) {
      console.error(
        `sign-latency: ${report.failures} failed, ${report.notSent} not sent, ` +
          `${serverErrors.length} server errors${incomplete ? `, ${incomplete}` : ""}`,
      );
      process.exitCode = 1;
    }
  };
  const watchdog = setTimeout(() => {
    console.error(`sign-latency: gave up after ${RUN_TIMEOUT_MS / 1000} s (watchdog)`);
    finish("ended by the watchdog");
    process.exit(1);
  }, RUN_TIMEOUT_MS);
  watchdog.unref();

  const onLevel = (level) => {
    levels.push(level);
    console.error(
      `done: ${level.concurrency} concurrent${level.stopped ? ` (${level.stopped})` : ""}`,
    );
  };
  try {
    if (values.client === "inline") await runLoad({ ...plan, port }, onLevel);
    else await inWorker({ ...plan, port }, onLevel);
  } finally {
    server.closeAllConnections?.();
    server.close();
  }
  clearTimeout(watchdog);
  finish(undefined);
  // A server whose handler never settles (a stuck request) must not keep the process alive.
  setTimeout(() => process.exit(), 1000).unref();
}

/** Files under `dir` modified after `ms` (paths relative to `dir`). */
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

/** Runs the load plan in a worker thread of this process. */
function inWorker(plan, onLevel) {
  return new Promise((done, fail) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: plan });
    worker.on("message", (message) => {
      if (message.type === "level") onLevel(message.level);
      else if (message.type === "done") done();
      else fail(new Error(`load generator: ${message.message}`));
    });
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`load generator exited (${code})`)));
  });
}

function buildReport(meta, levels, serverErrors, startedAt, incomplete) {
  const results = levels.map((level) => {
    const bare = summarise(level.bare);
    const sign = summarise(level.sign);
    const warmup = [level.warmup.bare, level.warmup.sign];
    return {
      concurrency: level.concurrency,
      ...(level.stopped ? { stopped: level.stopped } : {}),
      bare,
      sign,
      ratios: {
        p50: round(sign.p50Ms / bare.p50Ms, 2),
        p99: round(sign.p99Ms / bare.p99Ms, 2),
        rps: round(sign.rps / bare.rps, 2),
        // Each round's sign p99 over the adjacent bare round's, then the median over rounds:
        // less moved by one stall (GC, a neighbour's burst) than the pooled p99 above.
        p99RoundMedian: round(median(roundRatios(level.bare, level.sign, 0.99)), 2),
        p99Rounds: roundRatios(level.bare, level.sign, 0.99).map((r) => round(r, 2)),
      },
      warmupFailures: warmup.reduce((n, side) => n + side.failures, 0),
      warmupNotSent: warmup.reduce((n, side) => n + side.notSent, 0),
    };
  });
  const sum = (pick) => results.reduce((n, r) => n + pick(r), 0);
  return {
    date: new Date().toISOString(),
    ...meta,
    durationS: round((performance.now() - startedAt) / 1000, 1),
    ...(incomplete ? { incomplete } : {}),
    failures: sum((r) => r.bare.failures + r.sign.failures + r.warmupFailures),
    notSent: sum((r) => r.bare.notSent + r.sign.notSent + r.warmupNotSent),
    serverErrors: serverErrors.slice(0, 5),
    results,
  };
}

function summarise(side) {
  const sorted = Float64Array.from(side.latencies).sort();
  return {
    requests: sorted.length + side.failures,
    failures: side.failures,
    notSent: side.notSent,
    ...(side.failures ? { failureReasons: side.failureReasons } : {}),
    p50Ms: round(percentile(sorted, 0.5), 3),
    p90Ms: round(percentile(sorted, 0.9), 3),
    p99Ms: round(percentile(sorted, 0.99), 3),
    maxMs: round(sorted.at(-1) ?? Number.NaN, 3),
    rps: round(sorted.length / (side.elapsedMs / 1000), 0),
  };
}

/** Per round, sign's `q` percentile over bare's (rounds pair up in order: A B, B A, ...). */
function roundRatios(bare, sign, q) {
  const rounds = (side) =>
    side.roundEnds.map((end, i) =>
      Float64Array.from(side.latencies.slice(side.roundEnds[i - 1] ?? 0, end)).sort(),
    );
  const b = rounds(bare);
  const s = rounds(sign);
  const ratios = [];
  for (let i = 0; i < Math.min(b.length, s.length); i++) {
    if (b[i].length && s[i].length) ratios.push(percentile(s[i], q) / percentile(b[i], q));
  }
  return ratios;
}

function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function round(n, digits) {
  return Math.round(n * 10 ** digits) / 10 ** digits;
}

function positive(text, name) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return n;
}

function printTable(report) {
  const dirty = report.uncommittedSourceChanges.length ? " + uncommitted src changes" : "";
  const stale = report.dist.sourcesNewerThanBuild
    ? ` (${report.dist.sourcesNewerThanBuild} src files changed since the build)`
    : "";
  console.log(
    `sign-latency: ${report.root} @ ${report.commit ?? "?"}${dirty}${stale}, ` +
      `build ${report.dist.sha256}, node ${report.node}, ` +
      `${report.cpus}, client ${report.client}, load avg ${report.loadavg1mBefore}, ` +
      `${report.durationS} s`,
  );
  const rows = [
    [
      "conc",
      "bare p50",
      "sign p50",
      "p50 ×",
      "bare p99",
      "sign p99",
      "p99 ×",
      "p99 × rounds",
      "bare req/s",
      "sign req/s",
      "req/s ×",
      "ok",
      "failed",
      "not sent",
    ],
    ...report.results.map((r) => [
      String(r.concurrency),
      r.bare.p50Ms.toFixed(3),
      r.sign.p50Ms.toFixed(3),
      r.ratios.p50.toFixed(2),
      r.bare.p99Ms.toFixed(3),
      r.sign.p99Ms.toFixed(3),
      r.ratios.p99.toFixed(2),
      r.ratios.p99RoundMedian.toFixed(2),
      String(r.bare.rps),
      String(r.sign.rps),
      r.ratios.rps.toFixed(2),
      String(r.bare.requests - r.bare.failures + r.sign.requests - r.sign.failures),
      String(r.bare.failures + r.sign.failures + r.warmupFailures),
      String(r.bare.notSent + r.sign.notSent + r.warmupNotSent),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padStart(widths[i])).join("  "));
  for (const r of report.results) {
    if (r.stopped) console.log(`${r.concurrency} concurrent stopped early: ${r.stopped}`);
  }
  if (report.incomplete) console.log(`incomplete: ${report.incomplete}`);
  console.log(
    "(latencies in ms, client-side; × = sign / bare; p99 × rounds = median over rounds of " +
      "each round's ratio; ok/failed/not sent: measured requests, both routes; goal: p99 × ≤ 1.5 " +
      "at 100 concurrent)",
  );
}

/** JSON as the repository's formatter (Biome) writes it: short arrays of scalars on one line. */
function formatJson(value) {
  return JSON.stringify(value, null, 2).replace(
    /^( *)("[^"]*": )?\[\n((?: *(?:-?[\d.e+]+|"(?:[^"\\]|\\.)*"|true|false|null),?\n)+) *\]/gm,
    (whole, indent, key = "", items) => {
      const line = `${indent}${key}[${items
        .trim()
        .split(/,?\n */)
        .join(", ")}]`;
      return line.length <= 100 ? line : whole;
    },
  );
}

/** Appends this run to the results file (the last KEPT_RUNS runs, before and after alike). */
function writeReport(file, report) {
  let runs = [];
  try {
    const previous = JSON.parse(readFileSync(file, "utf8"));
    if (Array.isArray(previous.runs)) runs = previous.runs;
  } catch {
    // none yet, or unreadable: start afresh
  }
  const out = {
    benchmark: "sign-latency",
    notes:
      "Each run: one node:http server, POST /bare (read body, JSON.parse, fixed JSON answer) " +
      "and POST /api/upload/gallery/sign (toNodeHandler(createUploadHandler(...))), loaded " +
      "from a worker thread of the same process with a keep-alive Agent (maxSockets = " +
      "concurrency), in alternating rounds (A B B A ...). Latency = request start to response " +
      "end at the client. ratios = sign / bare within the same run (rps: sign / bare, so below " +
      "1 is slower). The last 30 runs, newest last.",
    runs: [...runs, report].slice(-KEPT_RUNS),
  };
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(`${file}.tmp`, `${formatJson(out)}\n`);
  renameSync(`${file}.tmp`, file);
  console.log(`(written to ${file})`);
}
