#!/usr/bin/env node
// Throughput, CPU and memory of the kit's proxy route (`POST {base}/{profile}/proxy`), as ratios
// measured in one run: the same generated MP4 uploads go
//   - through the kit's route (createUploadHandler from packages/server/dist, node adapter) to
//     the emulator ("proxy"),
//   - through the naive route an app would write otherwise (request.formData(), re-POST) ("naive"),
//   - straight to the emulator ("direct"),
//   - to a bare node:http sink that discards the body ("sink").
// Every server runs in its own process; its CPU time and peak RSS are read from /proc. Sizes 64,
// 256 and 1024 MiB, then 8 concurrent uploads of 128 MiB (--quick: 16, 64, 128 MiB and 8 x 16).
// Only 127.0.0.1 is contacted; every request times out and a watchdog ends the run.
// Usage (from the repo root, after `pnpm build`; Linux, as it reads /proc):
//   node bench/proxy/run.mjs [--quick] [--reps n] [--targets proxy,naive,direct,sink]
//     [--out file.json | --no-write]
import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { printRows, writeResult } from "../lib/write-result.mjs";
import { multipartUpload } from "./generated-upload.mjs";
import { measure, memory } from "./process-meter.mjs";
import { startProcess, stopProcesses } from "./start-process.mjs";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const MB = 1e6;
const REQUEST_TIMEOUT_MS = 5 * 60_000;
const RUN_TIMEOUT_MS = 30 * 60_000;

const root = fileURLToPath(new URL("../..", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string" },
    targets: { type: "string", default: "proxy,naive,direct,sink" },
    "no-write": { type: "boolean", default: false },
    out: { type: "string" },
  },
});
const resultFile = values.out ?? join(root, "bench", "results", "proxy.json");
const quick = values.quick;
const SIZES = (quick ? [16, 64, 128] : [64, 256, 1024]).map((n) => n * MiB);
const LARGEST = SIZES.at(-1);
const SMALLEST = SIZES[0];
const CONCURRENT = { count: 8, size: (quick ? 16 : 128) * MiB };
const REPS = Math.max(1, Number(values.reps ?? (quick ? 1 : 3)));
const TARGETS = values.targets.split(",");

const watchdog = setTimeout(() => {
  console.error(`bench: gave up after ${RUN_TIMEOUT_MS / 1000} s`);
  stopProcesses();
  process.exit(1);
}, RUN_TIMEOUT_MS);

const log = (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------------------------------------------------------------------------------------------
// HTTP, with node:http: the client's own overhead stays small and the same for every target.

/** Sends `body` (from multipartUpload) or nothing; resolves with the status and parsed JSON. */
function send(url, { method = "POST", body, headers = {}, agent }) {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method,
      agent,
      headers: {
        ...(body ? { "content-type": body.contentType, "content-length": body.length } : {}),
        ...headers,
      },
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("error", reject);
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode, body: text ? JSON.parse(text) : {} });
        } catch {
          resolve({ status: res.statusCode, body: { text } });
        }
      });
    });
    if (!body) {
      req.end();
      return;
    }
    // Written with backpressure: at most the socket's buffer is in flight.
    (async () => {
      for (const chunk of body.chunks()) {
        if (!req.write(chunk)) {
          await new Promise((resolve, reject) => {
            const drained = () => {
              req.off("close", closed);
              resolve();
            };
            const closed = () => {
              req.off("drain", drained);
              reject(new Error("request closed while sending"));
            };
            req.once("drain", drained);
            req.once("close", closed);
          });
        }
      }
      req.end();
    })().catch(reject);
  });
}

// ---------------------------------------------------------------------------------------------
// The servers

async function startServers(dataDir) {
  const limit = String(4 * GiB);
  const emulator = await startProcess(
    [
      join(root, "packages", "emulator", "dist", "cli.js"),
      ...["--port", "0", "--dir", dataDir, "--quiet"],
      // ImageKit's own limits are far smaller; raised so that the emulator takes 1 GiB.
      ...["--max-file-size", limit, "--max-video-size", limit],
    ],
    /ImageKit emulator at (\S+)[\s\S]*emulator ready/,
  );
  const origin = emulator.url.origin;
  const privateKey = "private_emulator_key";
  const imagekit = {
    privateKey,
    publicKey: "public_emulator_key",
    urlEndpoint: `${origin}/upkit-demo`,
    uploadEndpoint: origin,
    apiEndpoint: origin,
  };
  const dist = join(root, "packages", "server", "dist");
  const route = (name) =>
    startProcess(
      [join(here, "upload-server.mjs"), JSON.stringify({ dist, imagekit, route: name })],
      new RegExp(`${name} route at (\\S+)`),
    );
  const [kit, naive, sink] = await Promise.all([
    route("kit"),
    route("naive"),
    startProcess([join(root, "bench", "emulator-upload", "sink.mjs")], /sink at (\S+)/),
  ]);
  return {
    emulator,
    kit,
    naive,
    sink,
    auth: `Basic ${Buffer.from(`${privateKey}:`).toString("base64")}`,
  };
}

/**
 * The targets: where an upload goes, its fields, which process is "the server" (CPU, RSS), and
 * the check of its answer (returns the stored file's id on the emulator, if any).
 */
function targets(servers) {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const stored = (answer, size) => {
    if (answer.status !== 200 || answer.body.size !== size) return undefined;
    return answer.body.fileId;
  };
  return {
    proxy: {
      url: new URL("/api/upload/files/proxy", servers.kit.url),
      fields: (size) => ({ size: String(size) }),
      server: servers.kit.pid,
      check: (answer, size) =>
        answer.status === 200 && stored({ status: 200, body: answer.body.file ?? {} }, size),
    },
    naive: {
      url: new URL("/upload", servers.naive.url),
      fields: () => ({}),
      server: servers.naive.pid,
      check: stored,
    },
    direct: {
      url: new URL("/api/v1/files/upload", servers.emulator.url),
      fields: () => ({ fileName: "bench.mp4", folder: "/bench", useUniqueFileName: "true" }),
      headers: { authorization: servers.auth },
      server: servers.emulator.pid,
      check: stored,
    },
    sink: {
      url: new URL("/upload", servers.sink.url),
      fields: () => ({}),
      server: servers.sink.pid,
      check: (answer) => answer.status === 200 && "sink",
    },
    agent,
  };
}

/** Uploads `count` files of `size` at once to `name`; CPU and RSS of its server and the emulator. */
async function run(ctx, name, size, count = 1) {
  const target = ctx.targets[name];
  const pids = { server: target.server };
  if (target.server !== ctx.servers.emulator.pid) pids.emulator = ctx.servers.emulator.pid;
  const measured = await measure(pids, () =>
    Promise.all(
      Array.from({ length: count }, async () => {
        const body = multipartUpload(target.fields(size), "bench.mp4", size);
        const answer = await send(target.url, {
          body,
          headers: target.headers,
          agent: ctx.targets.agent,
        });
        const id = target.check(answer, size);
        if (!id)
          throw new Error(
            `${name} ${size}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`,
          );
        return id;
      }),
    ),
  );
  // Not measured: keeps the emulator's disk from filling up.
  for (const id of measured.result) {
    if (id === "sink") continue;
    const deleted = await send(new URL(`/v1/files/${id}`, ctx.servers.emulator.url), {
      method: "DELETE",
      headers: { authorization: ctx.servers.auth },
      agent: ctx.targets.agent,
    });
    if (deleted.status !== 204) throw new Error(`delete ${id}: ${deleted.status}`);
  }
  const bytes = size * count;
  const { server, emulator } = measured.processes;
  return {
    target: name,
    size,
    count,
    ms: round(measured.ms, 1),
    MBps: round(bytes / MB / (measured.ms / 1000), 1),
    serverCpuSeconds: round(server.cpuSeconds, 2),
    serverCpuSecondsPerGiB: round((server.cpuSeconds * GiB) / bytes, 2),
    serverRssBeforeMiB: round(server.rssBefore / MiB, 1),
    serverRssGrowthMiB: round(server.rssGrowth / MiB, 1),
    // Against the RSS right after the warm-up: what an earlier run left resident counts too.
    serverPeakOverBaselineMiB: round((server.peakRss - ctx.baselines[name]) / MiB, 1),
    ...(emulator
      ? {
          emulatorCpuSeconds: round(emulator.cpuSeconds, 2),
          emulatorRssGrowthMiB: round(emulator.rssGrowth / MiB, 1),
        }
      : {}),
    peakReset: server.peakReset,
  };
}

// ---------------------------------------------------------------------------------------------
// The run

function commitOf() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim();
  } catch {
    return undefined;
  }
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), "upkit-bench-proxy-"));
  try {
    const servers = await startServers(dataDir);
    const ctx = { servers, targets: targets(servers) };
    log(
      `servers up: emulator ${servers.emulator.pid}, kit ${servers.kit.pid}, naive ${servers.naive.pid}, sink ${servers.sink.pid}`,
    );

    // Warm-up: modules, JIT, V8's heap reaching its working size. Not reported.
    ctx.baselines = {};
    for (const name of TARGETS) await run(ctx, name, 16 * MiB);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const baselines = {};
    for (const name of TARGETS) {
      ctx.baselines[name] = memory(ctx.targets[name].server).rss;
      baselines[name] = round(ctx.baselines[name] / MiB, 1);
    }

    const runs = [];
    for (const size of SIZES) {
      for (let rep = 0; rep < REPS; rep++) {
        // Alternating the order, so no target always runs right after the same other one. The
        // naive route goes last: it holds whole files, and the memory it takes and frees would
        // weigh on whatever ran next.
        const streamed = TARGETS.filter((t) => t !== "naive");
        const order = [
          ...(rep % 2 ? streamed.reverse() : streamed),
          ...TARGETS.filter((t) => t === "naive"),
        ];
        for (const name of order) {
          const result = await run(ctx, name, size);
          runs.push(result);
          log(
            `${name} ${size / MiB} MiB: ${result.MBps} MB/s, server CPU ${result.serverCpuSeconds} s, RSS +${result.serverRssGrowthMiB} MiB`,
          );
        }
      }
    }
    const concurrent = [];
    for (const name of ["proxy", "direct", "naive"].filter((t) => TARGETS.includes(t))) {
      const result = await run(ctx, name, CONCURRENT.size, CONCURRENT.count);
      concurrent.push(result);
      log(
        `${name} ${CONCURRENT.count} x ${CONCURRENT.size / MiB} MiB: ${result.MBps} MB/s, RSS +${result.serverRssGrowthMiB} MiB`,
      );
    }
    return { runs, concurrent, baselines };
  } finally {
    stopProcesses();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Per target and size: median time and CPU, worst RSS growth. */
function summarise(runs) {
  const cells = {};
  for (const r of runs) {
    const key = `${r.target} ${r.size}`;
    cells[key] ??= { target: r.target, size: r.size, list: [] };
    cells[key].list.push(r);
  }
  const out = {};
  for (const { target, size, list } of Object.values(cells)) {
    const ms = median(list.map((r) => r.ms));
    out[target] ??= {};
    out[target][size] = {
      MBps: round(size / MB / (ms / 1000), 1),
      cpuPerGiB: round(median(list.map((r) => r.serverCpuSecondsPerGiB)), 2),
      rssGrowthMiB: Math.max(...list.map((r) => r.serverRssGrowthMiB)),
      peakOverBaselineMiB: Math.max(...list.map((r) => r.serverPeakOverBaselineMiB)),
    };
  }
  return out;
}

function report({ runs, concurrent, baselines }) {
  const s = summarise(runs);
  const at = (target, size = LARGEST) => s[target]?.[size];
  const label = (size) => (size >= GiB ? `${size / GiB} GiB` : `${size / MiB} MiB`);
  const big = label(LARGEST);
  const rows = [];
  const row = (measure, value, unit, goal, met, detail) =>
    rows.push({ measure, value: round(value, 2), unit, goal, met, detail });
  const ratio = (a, b, goal, test) => {
    if (!at(a) || !at(b)) return;
    const value = at(a).MBps / at(b).MBps;
    const names = {
      proxy: "proxy",
      naive: "naive route",
      direct: "direct to emulator",
      sink: "bare loopback sink",
    };
    row(
      `${names[a]} throughput / ${names[b]}, ${big}`,
      value,
      "ratio",
      goal ?? null,
      test ? test(value) : null,
      `${at(a).MBps} vs ${at(b).MBps} MB/s`,
    );
  };
  ratio("proxy", "direct", "≥ 0.9", (v) => v >= 0.9);
  ratio("direct", "sink");
  ratio("naive", "direct");
  ratio("proxy", "naive");
  if (at("proxy")) {
    const cpu = at("proxy").cpuPerGiB;
    row(
      `proxy CPU per GiB, ${big}`,
      cpu,
      "CPU-s/GiB",
      "≤ 2",
      cpu <= 2,
      `proxy server process; emulator not included`,
    );
    const growth = at("proxy").peakOverBaselineMiB;
    row(
      `proxy RSS growth, ${big}`,
      growth,
      "MiB",
      "≤ 64",
      growth <= 64,
      `worst of ${REPS}: peak RSS minus the RSS after warm-up (${baselines.proxy} MiB)`,
    );
    const c = concurrent.find((r) => r.target === "proxy");
    if (c) {
      row(
        `proxy RSS growth, ${c.count} concurrent × ${c.size / MiB} MiB`,
        c.serverPeakOverBaselineMiB,
        "MiB",
        "≤ 64",
        c.serverPeakOverBaselineMiB <= 64,
        `${c.MBps} MB/s in all; peak RSS minus the RSS after warm-up`,
      );
    }
    const small = at("proxy", SMALLEST).peakOverBaselineMiB;
    row(
      `proxy RSS growth, ${big} minus ${label(SMALLEST)}`,
      growth - small,
      "MiB",
      "≤ 16",
      growth - small <= 16,
      `flat in file size: ${small} → ${growth} MiB (16 MiB: one V8 semi-space of noise)`,
    );
  }
  if (at("naive")) {
    row(
      `naive route CPU per GiB, ${big}`,
      at("naive").cpuPerGiB,
      "CPU-s/GiB",
      null,
      null,
      "for comparison",
    );
    row(
      `naive route RSS growth, ${big}`,
      at("naive").peakOverBaselineMiB,
      "MiB",
      null,
      null,
      "for comparison: it holds the file",
    );
  }
  if (at("direct")) {
    row(
      `emulator CPU per GiB (direct), ${big}`,
      at("direct").cpuPerGiB,
      "CPU-s/GiB",
      null,
      null,
      "the emulator's own ingest",
    );
  }

  const series = (key, title, y, pick) => {
    const lines = {};
    for (const [target, bySize] of Object.entries(s)) {
      const points = SIZES.filter((size) => bySize[size]).map((size) => [
        size / MiB,
        pick(bySize[size]),
      ]);
      if (points.length) lines[target] = points;
    }
    return [key, { title, x: "file size (MiB)", y, lines }];
  };
  const seriesOut = Object.fromEntries([
    series("proxy-throughput", "Upload throughput by file size", "MB/s", (c) => c.MBps),
    series(
      "proxy-rss-growth",
      "Server peak RSS over its RSS after warm-up, by file size",
      "MiB",
      (c) => c.peakOverBaselineMiB,
    ),
    series("proxy-cpu", "Server CPU time per GiB by file size", "CPU-s/GiB", (c) => c.cpuPerGiB),
  ]);

  const cpu = cpus();
  return {
    benchmark: "proxy",
    date: new Date().toISOString(),
    commit: commitOf(),
    node: process.version,
    cpus: `${cpu.length} x ${cpu[0]?.model ?? "?"}`,
    quick,
    method:
      `Generated MP4 uploads (multipart, streamed by the client from one reused 1 MiB buffer) of ` +
      `${SIZES.map(label).join(", ")} (median of ${REPS}) and ${CONCURRENT.count} concurrent × ` +
      `${label(CONCURRENT.size)}, sent over 127.0.0.1 with node:http to: the kit's proxy route ` +
      `(createUploadHandler from packages/server/dist with its node adapter, one profile allowing 2 GB) ` +
      `forwarding to the emulator (packages/emulator/dist); a naive route (request.formData(), then ` +
      `fetch with a FormData body) on the same adapter; the emulator directly; and a bare node:http ` +
      `sink that discards the body. Each server is its own process. Throughput is file bytes over ` +
      `the client's wall time to the answer; CPU is the server process's user+system time from ` +
      `/proc/<pid>/stat; RSS growth is its peak (VmHWM reset through clear_refs, and 20 ms samples) ` +
      `minus VmRSS before the upload, worst of the reps. All ratios come from one run, after a ` +
      `16 MiB warm-up of every target; the client, the route and the emulator share the machine's CPUs.`,
    rows,
    series: seriesOut,
    loadavg1m: round(loadavg()[0], 2),
    rssAfterWarmUpMiB: baselines,
    runs,
    concurrent,
  };
}

try {
  const result = report(await main());
  if (!values["no-write"]) writeResult(result, resultFile);
  printRows(result.rows);
} finally {
  clearTimeout(watchdog);
}
