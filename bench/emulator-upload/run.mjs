#!/usr/bin/env node
// Upload throughput, CPU and memory of the emulator's multipart upload path, as ratios:
//   (a) throughput through `POST /api/v1/files/upload` vs a plain loopback POST of the same bytes
//       to a trivial node:http sink (emulator / sink), binary at 64 MiB, 256 MiB and 1 GiB, and
//       base64 at 256 MiB (--quick: 16, 64 and 128 MiB, base64 64 MiB);
//   (b) the emulator process's CPU time per GiB and peak RSS growth during an upload.
// Both servers run as their own processes (the emulator from packages/emulator/dist: run
// `pnpm build` first); only 127.0.0.1 is contacted. Bounded: every request times out, and a
// watchdog ends the run. Usage (from the repo root):
//   node bench/emulator-upload/run.mjs [--quick] [--reps 3] [--out file.json | --no-write]
import { execFileSync, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { printRows, writeResult } from "../lib/write-result.mjs";
import { multipartUpload } from "../proxy/generated-upload.mjs";
import { measure } from "../proxy/process-meter.mjs";

const MiB = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 5 * 60_000;
const RUN_TIMEOUT_MS = 20 * 60_000;
const log = (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const AUTH = `Basic ${Buffer.from("private_emulator_key:").toString("base64")}`;

const root = fileURLToPath(new URL("../..", import.meta.url));
const emulatorDir = join(root, "packages", "emulator");

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string" },
    out: { type: "string" },
    "no-write": { type: "boolean", default: false },
  },
});
const resultFile = values.out ?? join(root, "bench", "results", "emulator-upload.json");
const quick = values.quick;
const reps = Math.max(1, Number(values.reps ?? (quick ? 1 : 3)));
const SIZES = (quick ? [16, 64, 128] : [64, 256, 1024]).map((n) => n * MiB);
const BASE64_SIZE = (quick ? 64 : 256) * MiB;
const label = (size) => (size >= 1024 * MiB ? `${size / 1024 / MiB} GiB` : `${size / MiB} MiB`);

// Videos (MP4 header + filler); the emulator's limits are raised to take them (see startServer).
const CASES = [
  ...SIZES.map((size) => ({ name: `binary ${label(size)}`, mode: "binary", size, reps })),
  { name: `base64 ${label(BASE64_SIZE)}`, mode: "base64", size: BASE64_SIZE, reps },
];

/** @type {import("node:child_process").ChildProcess[]} */
const children = [];
const killChildren = () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
};
process.once("exit", killChildren);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    killChildren();
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  console.error(`bench: gave up after ${RUN_TIMEOUT_MS / 1000} s`);
  killChildren();
  process.exit(1);
}, RUN_TIMEOUT_MS);

// ---------------------------------------------------------------------------------------------
// Processes

/** Spawns a server process and resolves with its pid and the URL its banner prints. */
function startServer(args, cwd, banner) {
  const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => fail(new Error("did not start in 30 s")), 30_000);
    const fail = (error) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(" ")}: ${error.message}\n${out}\n${err}`));
    };
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const url = banner.exec(out)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({ pid: child.pid, url: new URL(url), agent: new Agent({ keepAlive: true }) });
    });
    child.once("error", fail);
    child.once("exit", (code, signal) => fail(new Error(`exited (${code ?? signal})`)));
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** Sends a request with a streamed body; resolves with status, JSON body and elapsed ms. */
function send(server, method, path, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(new URL(path, server.url), {
      method,
      agent: server.agent,
      headers: {
        authorization: AUTH,
        ...(body ? { "content-type": body.contentType, "content-length": body.length } : {}),
        ...headers,
      },
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => {
        const ms = performance.now() - started;
        try {
          resolve({ status: res.statusCode, body: text ? JSON.parse(text) : {}, ms });
        } catch (error) {
          reject(error);
        }
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (body) pipeline(Readable.from(body.chunks(), { objectMode: false }), req).catch(reject);
    else req.end();
  });
}

async function uploadTo(server, target, mode, size) {
  const fileName = `bench-${mode}.mp4`;
  // The same bytes for both servers: generated as they are sent, never whole in memory.
  const body = multipartUpload({ fileName, folder: "/bench" }, fileName, size, {
    base64: mode === "base64",
  });
  const path = target === "emulator" ? "/api/v1/files/upload" : "/upload";
  const answer = await send(server, "POST", path, { body });
  const ok =
    target === "emulator"
      ? answer.status === 200 && answer.body.size === size
      : answer.status === 200 && answer.body.bytes === body.length;
  if (!ok)
    throw new Error(`${target} ${mode} ${size}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { ms: answer.ms, wireBytes: body.length, fileId: answer.body.fileId };
}

/** Not measured: keeps the blobs from piling up on disk. */
async function remove(server, fileId) {
  if (fileId === undefined) return;
  const deleted = await send(server, "DELETE", `/v1/files/${fileId}`);
  if (deleted.status !== 204) throw new Error(`delete: ${deleted.status}`);
}

// ---------------------------------------------------------------------------------------------
// The run

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), "upkit-bench-"));
  try {
    const limit = String(4 * 1024 * MiB);
    const [emulator, sink] = await Promise.all([
      startServer(
        [
          join(emulatorDir, "dist", "cli.js"),
          ...["--port", "0", "--dir", dataDir, "--quiet"],
          // ImageKit's own limits are far smaller; raised so that the emulator takes 1 GiB.
          ...["--max-file-size", limit, "--max-video-size", limit],
        ],
        emulatorDir,
        /ImageKit emulator at (\S+)[\s\S]*emulator ready/,
      ),
      startServer([join(root, "bench", "emulator-upload", "sink.mjs")], root, /sink at (\S+)/),
    ]);
    const servers = { emulator, sink };
    const once = async (target, mode, size) => {
      const measured = await measure({ server: servers[target].pid }, () =>
        uploadTo(servers[target], target, mode, size),
      );
      await remove(servers[target], measured.result.fileId);
      const { server } = measured.processes;
      return {
        ms: measured.ms,
        wireBytes: measured.result.wireBytes,
        cpu: server.cpuSeconds,
        growth: server.rssGrowth,
      };
    };

    // Warm-up: modules, JIT, and V8's heap growing to its working size under this allocation
    // rate; its (one-off) RSS growth is reported apart, as `coldStart`.
    const coldStart = {};
    for (const target of ["sink", "emulator"]) {
      for (const mode of ["binary", "base64"]) {
        const warm = await once(target, mode, 16 * MiB);
        coldStart[`${target} ${mode} 16 MiB`] = { peakRssGrowthMiB: round(warm.growth / MiB, 1) };
      }
    }

    const results = [];
    for (const c of CASES) {
      const runs = { sink: [], emulator: [] };
      for (let rep = 0; rep < c.reps; rep++) {
        // Alternate the order, so neither side always runs on a warmer (or hotter) machine.
        const order = rep % 2 ? ["emulator", "sink"] : ["sink", "emulator"];
        for (const target of order) runs[target].push(await once(target, c.mode, c.size));
      }
      const side = (list) => {
        const ms = median(list.map((r) => r.ms));
        return {
          medianMs: round(ms, 1),
          fileMBps: round(c.size / 1e6 / (ms / 1000), 1),
          cpuSecondsPerGiB: round(median(list.map((r) => (r.cpu * 1024 * MiB) / c.size)), 2),
          maxPeakRssGrowthMiB: round(Math.max(...list.map((r) => r.growth)) / MiB, 1),
          runsMs: list.map((r) => round(r.ms, 1)),
        };
      };
      const result = {
        case: c.name,
        mode: c.mode,
        fileBytes: c.size,
        wireBytes: runs.sink[0].wireBytes,
        reps: c.reps,
        sink: side(runs.sink),
        emulator: side(runs.emulator),
      };
      // Same bytes, so the throughput ratio is the inverse ratio of the median times.
      result.throughputRatio = round(result.sink.medianMs / result.emulator.medianMs, 3);
      results.push(result);
      log(
        `${c.name}: emulator ${result.emulator.fileMBps} MB/s, sink ${result.sink.fileMBps} MB/s, ` +
          `emulator CPU ${result.emulator.cpuSecondsPerGiB} s/GiB, RSS +${result.emulator.maxPeakRssGrowthMiB} MiB`,
      );
    }
    return { results, coldStart };
  } finally {
    killChildren();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function report({ results, coldStart }) {
  const rows = [];
  const largest = results.filter((r) => r.mode === "binary").at(-1);
  const base64 = results.find((r) => r.mode === "base64");
  rows.push({
    measure: `emulator ingest / bare loopback sink, ${largest.case}`,
    value: round(largest.throughputRatio, 2),
    unit: "ratio",
    goal: "≥ 0.3",
    met: largest.throughputRatio >= 0.3,
    detail: `${largest.emulator.fileMBps} vs ${largest.sink.fileMBps} MB/s`,
  });
  rows.push({
    measure: `emulator ingest / bare loopback sink, ${base64.case}`,
    value: round(base64.throughputRatio, 2),
    unit: "ratio",
    goal: null,
    met: null,
    detail: `${base64.emulator.fileMBps} vs ${base64.sink.fileMBps} MB/s of file bytes (the wire carries 4/3 of them)`,
  });
  rows.push({
    measure: `emulator CPU per GiB, ${largest.case}`,
    value: largest.emulator.cpuSecondsPerGiB,
    unit: "CPU-s/GiB",
    goal: null,
    met: null,
    detail: `the sink: ${largest.sink.cpuSecondsPerGiB}`,
  });
  rows.push({
    measure: `emulator RSS growth, ${largest.case}`,
    value: largest.emulator.maxPeakRssGrowthMiB,
    unit: "MiB",
    goal: null,
    met: null,
    detail: `worst of ${largest.reps}; the sink: ${largest.sink.maxPeakRssGrowthMiB} MiB`,
  });
  const binary = results.filter((r) => r.mode === "binary");
  const line = (pick) => binary.map((r) => [r.fileBytes / MiB, pick(r)]);
  const cpu = cpus();
  return {
    benchmark: "emulator-upload",
    date: new Date().toISOString(),
    commit: commitOf(),
    node: process.version,
    cpus: `${cpu.length} x ${cpu[0]?.model ?? "?"}`,
    quick,
    method:
      "The same multipart MP4 upload (generated as it is sent, never whole in memory) is POSTed " +
      "over 127.0.0.1 with node:http to the emulator's `POST /api/v1/files/upload` " +
      "(packages/emulator/dist, its own process, its temp dir on the local disk) and to a bare " +
      "node:http sink that counts and discards the body (its own process): binary at " +
      `${binary.map((r) => r.case.slice(7)).join(", ")} and base64 (the file as a text field) ` +
      `at ${base64.case.slice(7)}, ${reps} reps each, alternating which goes first, after a ` +
      "16 MiB warm-up. Throughput is file bytes over the client's wall time to the answer " +
      "(median); the ratio is emulator / sink for the same bytes. CPU is the server process's " +
      "user+system time from /proc/<pid>/stat; RSS growth is its peak (VmHWM reset through " +
      "clear_refs, and 20 ms samples) minus VmRSS before. Deleting the stored file is not measured.",
    rows,
    series: {
      "emulator-throughput": {
        title: "Binary upload throughput by file size",
        x: "file size (MiB)",
        y: "MB/s",
        lines: { emulator: line((r) => r.emulator.fileMBps), sink: line((r) => r.sink.fileMBps) },
      },
      "emulator-cpu": {
        title: "Server CPU time per GiB by file size",
        x: "file size (MiB)",
        y: "CPU-s/GiB",
        lines: {
          emulator: line((r) => r.emulator.cpuSecondsPerGiB),
          sink: line((r) => r.sink.cpuSecondsPerGiB),
        },
      },
      "emulator-rss-growth": {
        title: "Server peak RSS growth by file size",
        x: "file size (MiB)",
        y: "MiB",
        lines: {
          emulator: line((r) => r.emulator.maxPeakRssGrowthMiB),
          sink: line((r) => r.sink.maxPeakRssGrowthMiB),
        },
      },
    },
    coldStart,
    results,
  };
}

function commitOf() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim();
  } catch {
    return undefined;
  }
}

try {
  const result = report(await main());
  if (!values["no-write"]) writeResult(result, resultFile);
  printRows(result.rows);
} finally {
  clearTimeout(watchdog);
  killChildren();
}
