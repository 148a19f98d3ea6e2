#!/usr/bin/env node
// Latency of the sign route (`POST /api/upload/{profile}/sign`) as ratios against a bare JSON
// route served by the same node:http server in the same process, measured in the same run:
// p50, p99 and requests/s at 1, 10 and 100 concurrent requests, sign / bare. A second baseline,
// a bare route on Web Request/Response through the same node adapter (`toNodeHandler`), gives
// what any route costs in the stack the kit runs in, and sign / that. A second handler
// keeps its state in Redis (`redisState`, a `redis-server` child on a free port) and counts a
// rate limit there, as several instances would: its sign route is measured the same way, when
// `redis-server` is on PATH.
// The server runs on the main thread; the load generator runs in a worker thread of the same
// process (its own event loop, so its cost is not added to the server's), or on the main thread
// with `--client inline`. Only 127.0.0.1 is contacted; signing contacts nothing.
// Bounded: a fixed number of requests, a timeout on each, and a watchdog that ends the run.
// Usage (build first: pnpm exec turbo run build --filter=@upkit/server --output-logs=errors-only):
//   node bench/sign-latency/run.mjs [--quick] [--root <repo>] [--requests 2000] [--warmup 200]
//     [--rounds 5] [--concurrency 1,10,100] [--client worker|inline] [--only sign]
//     [--no-redis] [--no-write]
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import { createServer as createNetServer } from "node:net";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { resultHeader, row, writeResult } from "../lib/write-result.mjs";

const RUN_TIMEOUT_MS = 5 * 60_000;
/** The load generator stops sending this long after it started, whatever is left. */
const LOAD_BUDGET_MS = RUN_TIMEOUT_MS - 30_000;
const REQUEST_TIMEOUT_MS = 10_000;
const GOAL = "≤ 1.5";

const BARE_PATH = "/bare";
/** The Web baseline: a trivial Web route (`await request.json()`, `Response.json`) via toNodeHandler. */
const WEB_PATH = "/web-bare";
const SIGN_PATH = "/api/upload/gallery/sign";
/** The same profile in a handler whose state (and rate-limit count) is in Redis. */
const REDIS_PATH = "/api/redis/gallery/sign";
const PATHS = { bare: BARE_PATH, web: WEB_PATH, sign: SIGN_PATH, redis: REDIS_PATH };
const LABELS = { web: "bare Web route", sign: "sign", redis: "sign, Redis state" };
/** The routes measured against the Web baseline too. */
const SIGN_ROUTES = ["sign", "redis"];
const REQUEST_BODY = JSON.stringify({
  files: [{ name: "photo.png", size: 1000, type: "image/png" }],
});
const FIXED_ANSWER = { ok: true, files: [{ name: "photo.png" }] };
const BARE_ANSWER = Buffer.from(JSON.stringify(FIXED_ANSWER));

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
 * CPU time (user + system, ms) of every thread of this process except the calling one, from
 * /proc (Linux): run in the load generator's worker, that is the server's cost alone (its main
 * thread, libuv's pool, V8's helpers), whatever else the machine runs. Clock ticks are 10 ms, so
 * it is read over whole rounds. Undefined off Linux, and inline (the client is on the server's
 * thread then).
 */
function serverCpuMs() {
  if (isMainThread) return undefined;
  try {
    const self = readFileSync("/proc/thread-self/stat", "utf8").split(" ")[0];
    let ticks = 0;
    for (const tid of readdirSync("/proc/self/task")) {
      if (tid === self) continue;
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        // Fields after "(comm) ": state is the 3rd field, utime the 14th, stime the 15th.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // a thread that ended meanwhile
      }
    }
    return ticks * 10;
  } catch {
    return undefined;
  }
}

/**
 * `count` requests to `path`, `concurrency` at a time (closed loop); latencies into `sink`.
 * Past `deadline` no more are sent: the rest count as `notSent`.
 */
async function phase(port, agent, path, count, concurrency, sink, deadline) {
  let next = 0;
  const cpuBefore = serverCpuMs();
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
  const cpuAfter = serverCpuMs();
  sink.cpuMs =
    cpuBefore === undefined || cpuAfter === undefined
      ? Number.NaN
      : sink.cpuMs + cpuAfter - cpuBefore;
  sink.roundEnds.push(sink.latencies.length);
}

/** Checks once per route that the answer is what the route should answer. */
async function checkAnswers(port, routes) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (const route of routes.filter((name) => name === "bare" || name === "web")) {
      const bare = await send(port, agent, PATHS[route], true);
      if (bare.status !== 200 || bare.body !== BARE_ANSWER.toString()) {
        throw new Error(`${route} route answered ${bare.status}: ${bare.body ?? bare.error}`);
      }
    }
    for (const route of routes.filter((name) => SIGN_ROUTES.includes(name))) {
      const sign = await send(port, agent, PATHS[route], true);
      const token = sign.status === 200 && JSON.parse(sign.body).files?.[0]?.fields?.token;
      if (typeof token !== "string" || token.split(".").length !== 3) {
        throw new Error(`${route} route answered ${sign.status}: ${sign.body ?? sign.error}`);
      }
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
  await checkAnswers(plan.port, plan.routes);
  const fresh = () => ({
    latencies: [],
    failures: 0,
    failureReasons: {},
    notSent: 0,
    elapsedMs: 0,
    cpuMs: 0,
    roundEnds: [],
  });
  for (const concurrency of plan.concurrencies) {
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const level = { concurrency, stopped: undefined, warmup: {} };
    for (const name of plan.routes) {
      level.warmup[name] = fresh();
      level[name] = fresh();
    }
    const timedOut = () =>
      Object.values(level.warmup)
        .concat(plan.routes.map((name) => level[name]))
        .some((side) => side.failureReasons["timed out"]);
    // Warm-up (discarded): JIT, sockets opened up to `concurrency`, heap at working size.
    for (const name of plan.routes) {
      await phase(
        plan.port,
        agent,
        PATHS[name],
        plan.warmup,
        concurrency,
        level.warmup[name],
        deadline,
      );
    }
    if (timedOut()) level.stopped = "requests timed out (warm-up)";
    const perRound = Math.ceil(plan.requests / plan.rounds);
    for (let round = 0; round < plan.rounds; round++) {
      const count = Math.min(perRound, plan.requests - round * perRound);
      if (count <= 0) break;
      // A B C, C B A, ...: drift (thermal, neighbours, heap growth) and order hit every route
      // alike.
      const order = round % 2 ? [...plan.routes].reverse() : plan.routes;
      for (const name of order) {
        const stop = level.stopped ? performance.now() : deadline;
        await phase(plan.port, agent, PATHS[name], count, concurrency, level[name], stop);
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
      quick: { type: "boolean", default: false },
      root: { type: "string" },
      requests: { type: "string" },
      warmup: { type: "string" },
      rounds: { type: "string", default: "5" },
      concurrency: { type: "string", default: "1,10,100" },
      client: { type: "string", default: "worker" },
      // For profiling one route alone (no ratios then): --only sign
      only: { type: "string" },
      "no-redis": { type: "boolean", default: false },
      "no-write": { type: "boolean", default: false },
    },
  });
  const here = fileURLToPath(new URL("../..", import.meta.url));
  const root = resolve(values.root ?? here);
  const plan = {
    requests: positive(values.requests ?? (values.quick ? "1000" : "2000"), "--requests"),
    warmup: positive(values.warmup ?? (values.quick ? "100" : "200"), "--warmup"),
    rounds: positive(values.rounds, "--rounds"),
    concurrencies: values.concurrency.split(",").map((c) => positive(c, "--concurrency")),
    routes: values.only ? [values.only] : ["bare", "web", "sign", "redis"],
  };
  if (!plan.routes.every((route) => route in PATHS)) {
    throw new Error("--only is bare, web, sign or redis");
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
    commit: git("rev-parse", "--short", "HEAD"),
    uncommittedSourceChanges: dirty ? dirty.split("\n") : [],
    dist: {
      sha256: distHash.digest("hex").slice(0, 16),
      // Source files changed after the build: then the build is not the sources (nor `commit`).
      sourcesNewerThanBuild: sources.flatMap((dir) => newerThan(dir, builtAt)).length,
    },
    loadavg1mBefore: round(loadavg()[0], 2),
    client: values.client,
    plan: { ...plan, requestBody: REQUEST_BODY },
  };

  const { createUploadHandler, defineProfile } = await import(
    pathToFileURL(join(dist, "index.js")).href
  );
  const { toNodeHandler } = await import(pathToFileURL(join(dist, "node.js")).href);

  const serverErrors = [];
  const imagekit = {
    privateKey: "private_emulator_key",
    publicKey: "public_emulator_key",
    urlEndpoint: "http://127.0.0.1:1/x",
    uploadEndpoint: "http://127.0.0.1:1",
    apiEndpoint: "http://127.0.0.1:1",
  };
  const gallery = (rateLimit) =>
    defineProfile({
      rateLimit,
      restrictions: { maxFileSize: "20MB", accept: ["image/*"] },
      options: () => ({ folder: "/gallery", tags: ["a", "b"] }),
    });
  const onError = (error) => serverErrors.push(String(error?.stack ?? error));
  const uploads = toNodeHandler(
    createUploadHandler({ imagekit, profiles: { gallery: gallery(false) }, onError }),
  );
  // The Web baseline: the bare route's work and answer, written as the smallest Web route, in the
  // same adapter as the sign route (as a Next.js or Express app would run any route of its own).
  const webBare = toNodeHandler(async (request) => {
    try {
      await request.json();
    } catch {
      return new Response(null, { status: 400 });
    }
    return Response.json(FIXED_ANSWER, {
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    });
  });

  // The Redis variant: the handler's state in Redis, and a rate limit (high enough never to
  // refuse) so that each sign makes the round trip an instance behind a load balancer makes.
  let redis;
  let redisSkipped;
  let redisUploads;
  if (plan.routes.includes("redis")) {
    redisSkipped = values["no-redis"]
      ? "--no-redis"
      : await startRedis().then(
          (started) => {
            redis = started;
            return undefined;
          },
          (error) => error.message,
        );
    if (redis) {
      const { redisState } = await import(pathToFileURL(join(dist, "redis.js")).href);
      const state = redisState({ url: redis.url, onError });
      await state.ready();
      redis.state = state;
      redisUploads = toNodeHandler(
        createUploadHandler({
          imagekit,
          basePath: "/api/redis",
          state,
          profiles: { gallery: gallery({ limit: 1e9, windowMs: 60_000 }) },
          onError,
        }),
      );
    } else {
      plan.routes = plan.routes.filter((route) => route !== "redis");
      console.error(`sign-latency: the Redis rows are skipped: ${redisSkipped}`);
    }
  }

  const dispatch = (handler, req, res) => {
    Promise.resolve(handler(req, res)).catch((error) => {
      serverErrors.push(String(error?.stack ?? error));
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
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
    if (req.url === WEB_PATH) return dispatch(webBare, req, res);
    if (req.url?.startsWith("/api/upload")) return dispatch(uploads, req, res);
    if (redisUploads && req.url?.startsWith("/api/redis")) return dispatch(redisUploads, req, res);
    res.writeHead(404).end();
  });
  await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
  const port = server.address().port;

  const levels = [];
  const finish = (incomplete) => {
    const report = buildReport(meta, levels, serverErrors, startedAt, incomplete);
    printTable(report);
    if (!values["no-write"] && !values.only) {
      const file = writeResult(toResult(report, values.quick, redisSkipped));
      console.log(`(written to ${file})`);
    }
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
    redis?.child.kill("SIGKILL");
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
    await redis?.state?.close().catch(() => {});
    redis?.child.kill("SIGTERM");
  }
  clearTimeout(watchdog);
  finish(undefined);
  // A server whose handler never settles (a stuck request) must not keep the process alive.
  setTimeout(() => process.exit(), 1000).unref();
}

/**
 * A throwaway `redis-server` on a free port, without persistence, ended with this process;
 * rejects with the reason when there is none on PATH or it does not start.
 */
async function startRedis() {
  const port = await new Promise((done, fail) => {
    const probe = createNetServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => done(free));
    });
  });
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  process.once("exit", () => child.kill("SIGKILL"));
  await new Promise((ready, fail) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error("redis-server did not start in 10 s")), 10_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      fail(new Error(error.code === "ENOENT" ? "redis-server is not on PATH" : error.message));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`redis-server exited (${code}): ${output.slice(-300)}`));
    });
    child.stdout.on("data", (chunk) => {
      output += chunk;
      if (/ready to accept connections/i.test(output)) {
        clearTimeout(timer);
        ready();
      }
    });
  });
  child.removeAllListeners("exit");
  return { child, url: `redis://127.0.0.1:${port}` };
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
    const routes = Object.keys(PATHS).filter((name) => level[name]);
    const sides = Object.fromEntries(routes.map((name) => [name, summarise(level[name])]));
    // Every route over the raw bare route; the sign routes over the Web baseline too.
    const ratios = {};
    const webRatios = {};
    for (const name of routes.filter((route) => route !== "bare")) {
      if (level.bare) ratios[name] = ratiosOf(level, sides, "bare", name);
      if (level.web && SIGN_ROUTES.includes(name))
        webRatios[name] = ratiosOf(level, sides, "web", name);
    }
    const warmup = Object.values(level.warmup);
    return {
      concurrency: level.concurrency,
      ...(level.stopped ? { stopped: level.stopped } : {}),
      ...sides,
      ratios,
      webRatios,
      warmupFailures: warmup.reduce((n, side) => n + side.failures, 0),
      warmupNotSent: warmup.reduce((n, side) => n + side.notSent, 0),
    };
  });
  const sides = (r) =>
    Object.keys(PATHS)
      .filter((name) => r[name])
      .map((name) => r[name]);
  const sum = (pick) => results.reduce((n, r) => n + pick(r), 0);
  return {
    ...meta,
    durationS: round((performance.now() - startedAt) / 1000, 1),
    ...(incomplete ? { incomplete } : {}),
    failures: sum((r) => sides(r).reduce((n, s) => n + s.failures, 0) + r.warmupFailures),
    notSent: sum((r) => sides(r).reduce((n, s) => n + s.notSent, 0) + r.warmupNotSent),
    serverErrors: serverErrors.slice(0, 5),
    results,
  };
}

/** The report in the suite's result format (bench/README.md): one row per level and variant. */
function toResult(report, quick, redisSkipped) {
  const rows = [];
  // The goal rows are over the raw bare route (the issue's baseline); the rows over the Web
  // baseline, and the Web baseline's own cost, carry no goal.
  const variants = [
    ...SIGN_ROUTES.map((name) => ({ name, base: "bare", pick: "ratios", goal: GOAL })),
    ...SIGN_ROUTES.map((name) => ({ name, base: "web", pick: "webRatios" })),
    { name: "web", base: "bare", pick: "ratios" },
  ];
  for (const { name, base, pick, goal } of variants) {
    for (const r of report.results) {
      const measure = `${LABELS[name]}: p99 / ${base === "web" ? "bare Web route" : "bare"} p99, ${r.concurrency} concurrent`;
      const rowGoal = r.concurrency === 100 ? goal : undefined;
      const ratio = r[pick]?.[name];
      if (!ratio) {
        if (name === "redis" && redisSkipped) {
          rows.push(row(measure, null, "ratio", rowGoal, `skipped: ${redisSkipped}`, null));
        }
        continue;
      }
      rows.push(
        row(measure, ratio.p99RoundMedian, "ratio", rowGoal, ratioDetail(r, name, base, ratio)),
      );
    }
  }
  const line = (pick) =>
    report.results.filter((r) => pick(r) !== undefined).map((r) => [r.concurrency, pick(r)]);
  const lines = (metric) => ({
    bare: line((r) => r.bare?.[metric]),
    ...(report.results.some((r) => r.web)
      ? { "bare Web route": line((r) => r.web?.[metric]) }
      : {}),
    sign: line((r) => r.sign?.[metric]),
    ...(report.results.some((r) => r.redis)
      ? { "sign, Redis": line((r) => r.redis?.[metric]) }
      : {}),
  });
  const plan = report.plan;
  return {
    ...resultHeader("sign-latency", quick),
    method:
      "One node:http server serves a bare route (reads the body, JSON.parse, a fixed small JSON " +
      "answer), the same route written on Web Request/Response (await request.json(), " +
      "Response.json) behind the kit's node adapter (toNodeHandler), " +
      "and the kit's sign route (toNodeHandler(createUploadHandler(...)) from " +
      "packages/server/dist, one image profile, v2 JWT), and, when redis-server is on PATH, the " +
      "same sign route in a handler whose state is redisState() with a rate limit counted in " +
      "Redis. A worker thread of the same process loads them with a keep-alive agent in a " +
      `closed loop at ${plan.concurrencies.join(", ")} concurrent requests: ${plan.warmup} ` +
      `warm-up and ${plan.requests} measured requests per route and level, in ${plan.rounds} ` +
      "rounds alternating the routes' order. Latency is request start to response end at the " +
      "client. The value is the median over rounds of each round's p99 ratio to the bare " +
      "route's (or, in the rows that say so, the bare Web route's); the detail gives the " +
      "pooled figures. Goal: at most 1.5× the bare route at 100 concurrent.",
    rows,
    series: {
      "sign-latency-p99": {
        title: "Sign route p99 latency by concurrency",
        x: "concurrent requests",
        y: "p99 latency (ms)",
        xScale: "log",
        lines: lines("p99Ms"),
      },
      "sign-latency-throughput": {
        title: "Requests per second by concurrency",
        x: "concurrent requests",
        y: "requests/s",
        xScale: "log",
        lines: lines("rps"),
      },
    },
    details: report,
  };
}

function ratioDetail(r, name, base, ratio) {
  const [side, under] = [r[name], r[base]];
  return (
    `median of ${ratio.p99Rounds.length} rounds' ratios; pooled p99 ${side.p99Ms} vs ` +
    `${under.p99Ms} ms (${ratio.p99}×); p50 ${side.p50Ms} vs ${under.p50Ms} ms ` +
    `(${ratio.p50}×); ${side.rps} vs ${under.rps} req/s (${ratio.rps}×); server CPU ` +
    `${side.serverCpuUsPerRequest} vs ${under.serverCpuUsPerRequest} µs a request ` +
    `(${ratio.serverCpu}×)` +
    (r.stopped ? `; stopped early: ${r.stopped}` : "")
  );
}

/** Route `name` over route `base` in one level: pooled ratios, and the median of rounds' p99s. */
function ratiosOf(level, sides, base, name) {
  const under = sides[base];
  const side = sides[name];
  // Each round's p99 over the same round's base p99: less moved by one stall (GC, a
  // neighbour's burst) than the pooled p99.
  const rounds = roundRatios(level[base], level[name], 0.99);
  return {
    p50: round(side.p50Ms / under.p50Ms, 2),
    p99: round(side.p99Ms / under.p99Ms, 2),
    rps: round(side.rps / under.rps, 2),
    serverCpu: round(side.serverCpuUsPerRequest / under.serverCpuUsPerRequest, 2),
    p99RoundMedian: round(median(rounds), 2),
    p99Rounds: rounds.map((r) => round(r, 2)),
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
    serverCpuUsPerRequest: round((side.cpuMs * 1000) / (sorted.length + side.failures), 0),
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
    `sign-latency: ${report.commit ?? "?"}${dirty}${stale}, build ${report.dist.sha256}, ` +
      `node ${process.version}, client ${report.client}, load avg ${report.loadavg1mBefore}, ` +
      `${report.durationS} s`,
  );
  const rows = [
    [
      "conc",
      "route",
      "p50",
      "p99",
      "req/s",
      "CPU µs",
      "p50 ×",
      "p99 ×",
      "p99 × rounds",
      "req/s ×",
      "CPU ×",
      "failed",
    ],
  ];
  const ratioCells = (ratio) =>
    ratio
      ? [ratio.p50, ratio.p99, ratio.p99RoundMedian, ratio.rps, ratio.serverCpu].map((n) =>
          n.toFixed(2),
        )
      : ["", "", "", "", ""];
  for (const r of report.results) {
    for (const name of Object.keys(PATHS).filter((route) => r[route])) {
      const side = r[name];
      rows.push([
        String(r.concurrency),
        name,
        side.p50Ms.toFixed(3),
        side.p99Ms.toFixed(3),
        String(side.rps),
        String(side.serverCpuUsPerRequest),
        ...ratioCells(r.ratios[name]),
        String(side.failures + side.notSent),
      ]);
    }
    for (const [name, ratio] of Object.entries(r.webRatios)) {
      rows.push([String(r.concurrency), `${name} / web`, "", "", "", "", ...ratioCells(ratio), ""]);
    }
    if (r.stopped) rows.push([String(r.concurrency), `stopped early: ${r.stopped}`]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  for (const row of rows) {
    console.log(row.map((cell, i) => (cell ?? "").padStart(widths[i])).join("  "));
  }
  if (report.incomplete) console.log(`incomplete: ${report.incomplete}`);
  console.log(
    "(latencies in ms, client-side; CPU µs = the server's CPU time a request, all its threads; " +
      "× = route / bare, or / web (the bare Web route via toNodeHandler); p99 × rounds = median over rounds of " +
      "each round's ratio; failed = failed or not sent; goal: p99 × ≤ 1.5 at 100 concurrent)",
  );
}
