#!/usr/bin/env node
// Upload throughput and memory of the emulator's multipart upload path, as ratios:
//   (a) throughput through `POST /api/v1/files/upload` vs a plain loopback POST of the same bytes
//       to a trivial node:http sink (emulator / sink), binary and base64, 25 MB and 250 MB;
//   (b) the emulator process's peak RSS growth during an upload, relative to the file size.
// Both servers run as their own processes; only 127.0.0.1 is contacted. Bounded: every request
// times out, and a watchdog ends the run. Usage (from the repo root):
//   node bench/emulator-upload/run.mjs [--small-reps 5] [--large-reps 3]
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const MiB = 1024 * 1024;
const REQUEST_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 15 * 60_000;
const AUTH = `Basic ${Buffer.from("private_emulator_key:").toString("base64")}`;

const root = fileURLToPath(new URL("../..", import.meta.url));
const emulatorDir = join(root, "packages", "emulator");
const resultFile = join(root, "bench", "results", "emulator-upload.json");

const { values } = parseArgs({
  options: {
    "small-reps": { type: "string", default: "5" },
    "large-reps": { type: "string", default: "3" },
  },
});
const smallReps = Math.max(1, Number(values["small-reps"]));
const largeReps = Math.max(1, Number(values["large-reps"]));

// Videos (MP4 header + filler), so the 300 MB video limit applies, not the 25 MB one.
const CASES = [
  { name: "binary 25 MB", mode: "binary", size: 25 * MiB, reps: smallReps },
  { name: "base64 25 MB", mode: "base64", size: 25 * MiB, reps: smallReps },
  { name: "binary 250 MB", mode: "binary", size: 250 * MiB, reps: largeReps },
  { name: "base64 250 MB", mode: "base64", size: 250 * MiB, reps: largeReps },
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

function procStatus(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
}

/** Runs `work`; reports the process's peak RSS (VmHWM, reset first) minus its RSS before. */
async function measureRss(pid, work) {
  let peakReset = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    peakReset = false; // then VmHWM is the all-time peak: still an upper bound
  }
  const before = procStatus(pid).rss;
  let sampled = before;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, procStatus(pid).rss);
  }, 20);
  try {
    const result = await work();
    const after = procStatus(pid);
    const peak = Math.max(after.hwm, after.rss, sampled);
    return { result, before, peak, growth: peak - before, peakReset };
  } finally {
    clearInterval(sampler);
  }
}

// ---------------------------------------------------------------------------------------------
// Generated bodies: never whole in memory, in the bench either

const FILLER_SIZE = 3 * 349_525; // 1 MiB - 1: a multiple of 3, so each chunk is whole base64
const filler = randomBytes(FILLER_SIZE);

function box(type, ...payload) {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + payload.reduce((n, p) => n + p.length, 0));
  return Buffer.concat([size, Buffer.from(type, "latin1"), ...payload]);
}
const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** An MP4 of `size` bytes: ftyp, moov/mvhd (60 s), an mdat box of filler. */
function* mp4Chunks(size) {
  const mvhd = box(
    "mvhd",
    u32(0),
    u32(0),
    u32(0),
    u32(1000),
    u32(60_000),
    u32(0x10000),
    Buffer.from([1, 0]),
    Buffer.alloc(10 + 36 + 24),
    u32(2),
  );
  const header = Buffer.concat([
    box("ftyp", Buffer.from("isom"), u32(512), Buffer.from("isomiso2mp41")),
    box("moov", mvhd),
  ]);
  const mdat = Buffer.concat([u32(size - header.length), Buffer.from("mdat")]);
  const first = Buffer.concat([header, mdat]);
  let left = size;
  for (let chunk = Buffer.concat([first, filler.subarray(first.length)]); left > 0; ) {
    const n = Math.min(left, chunk.length);
    yield n === chunk.length ? chunk : chunk.subarray(0, n);
    left -= n;
    chunk = filler;
  }
}

/** Base64 of chunks that are multiples of 3 bytes (all but the last); repeats encoded once. */
function* asBase64(chunks) {
  const encoded = new WeakMap();
  for (const chunk of chunks) {
    let text = encoded.get(chunk);
    if (!text) {
      text = Buffer.from(chunk.toString("base64"), "latin1");
      encoded.set(chunk, text);
    }
    yield text;
  }
}

/** The same multipart upload body for both servers: fields, then the file part. */
function multipart(mode, size, fileName) {
  const boundary = `----upkitbench${randomBytes(12).toString("hex")}`;
  const field = (name, value) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const filePart =
    mode === "binary"
      ? `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: video/mp4\r\n\r\n`
      : `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n`;
  const head = Buffer.from(field("fileName", fileName) + field("folder", "/bench") + filePart);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const fileLength = mode === "binary" ? size : 4 * Math.ceil(size / 3);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: head.length + fileLength + tail.length,
    *chunks() {
      yield head;
      yield* mode === "binary" ? mp4Chunks(size) : asBase64(mp4Chunks(size));
      yield tail;
    },
  };
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
  const body = multipart(mode, size, `bench-${mode}.mp4`);
  const path = target === "emulator" ? "/api/v1/files/upload" : "/upload";
  const answer = await send(server, "POST", path, { body });
  const ok =
    target === "emulator"
      ? answer.status === 200 && answer.body.size === size
      : answer.status === 200 && answer.body.bytes === body.length;
  if (!ok)
    throw new Error(`${target} ${mode} ${size}: ${answer.status} ${JSON.stringify(answer.body)}`);
  if (target === "emulator") {
    // Not timed: keeps 250 MB blobs from piling up on disk.
    const deleted = await send(server, "DELETE", `/v1/files/${answer.body.fileId}`);
    if (deleted.status !== 204) throw new Error(`delete: ${deleted.status}`);
  }
  return { ms: answer.ms, wireBytes: body.length };
}

// ---------------------------------------------------------------------------------------------
// The run

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (n, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

const dataDir = await mkdtemp(join(tmpdir(), "upkit-bench-"));
try {
  const [emulator, sink] = await Promise.all([
    startServer(
      [
        "--import",
        "tsx",
        join(emulatorDir, "src", "cli.ts"),
        "--port",
        "0",
        "--dir",
        dataDir,
        "--quiet",
      ],
      emulatorDir,
      /ImageKit emulator at (\S+)[\s\S]*emulator ready/,
    ),
    startServer([join(root, "bench", "emulator-upload", "sink.mjs")], root, /sink at (\S+)/),
  ]);
  const servers = { emulator, sink };

  // Warm-up: modules, JIT, and V8's heap growing to its working size under this allocation
  // rate; its (one-off) RSS growth is reported apart, as `coldStart`.
  const coldStart = {};
  for (const target of ["sink", "emulator"]) {
    for (const mode of ["binary", "base64"]) {
      const warm = await measureRss(servers[target].pid, () =>
        uploadTo(servers[target], target, mode, 25 * MiB),
      );
      coldStart[`${target} ${mode} 25 MB`] = {
        rssBeforeMiB: round(warm.before / MiB, 1),
        peakRssGrowthMiB: round(warm.growth / MiB, 1),
      };
    }
  }

  const results = [];
  for (const c of CASES) {
    const runs = { sink: [], emulator: [] };
    for (let rep = 0; rep < c.reps; rep++) {
      // Alternate the order, so neither side always runs on a warmer (or hotter) machine.
      const order = rep % 2 ? ["emulator", "sink"] : ["sink", "emulator"];
      for (const target of order) {
        const measured = await measureRss(servers[target].pid, () =>
          uploadTo(servers[target], target, c.mode, c.size),
        );
        runs[target].push({
          ...measured.result,
          growth: measured.growth,
          peakReset: measured.peakReset,
        });
      }
    }
    const wireBytes = runs.sink[0].wireBytes;
    const side = (list) => {
      const ms = median(list.map((r) => r.ms));
      const growth = Math.max(...list.map((r) => r.growth));
      return {
        medianMs: round(ms, 1),
        fileMBps: round(c.size / MiB / (ms / 1000), 1),
        wireMBps: round(wireBytes / MiB / (ms / 1000), 1),
        maxPeakRssGrowthMiB: round(growth / MiB, 1),
        peakRssGrowthPerFileByte: round(growth / c.size, 4),
        runsMs: list.map((r) => round(r.ms, 1)),
      };
    };
    const result = {
      case: c.name,
      mode: c.mode,
      fileBytes: c.size,
      wireBytes,
      reps: c.reps,
      sink: side(runs.sink),
      emulator: side(runs.emulator),
    };
    // Same bytes, so the throughput ratio is the inverse ratio of the times.
    result.throughputRatio = round(result.sink.medianMs / result.emulator.medianMs, 3);
    result.emulatorRssGrowthRatio = result.emulator.peakRssGrowthPerFileByte;
    result.peakReset = [...runs.sink, ...runs.emulator].every((r) => r.peakReset);
    results.push(result);
    console.error(`done: ${c.name}`);
  }

  let commit;
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim();
  } catch {
    commit = undefined;
  }
  const report = {
    benchmark: "emulator-upload",
    date: new Date().toISOString(),
    commit,
    node: process.version,
    cpus: `${cpus().length} x ${cpus()[0]?.model ?? "?"}`,
    notes:
      "throughputRatio = emulator / sink upload throughput for the same multipart bytes over " +
      "127.0.0.1 (median of reps); emulatorRssGrowthRatio = emulator peak RSS (VmHWM, reset " +
      "per upload) minus RSS before, divided by the file size (max over reps). coldStart: the " +
      "warm-up uploads, first after each server started.",
    coldStart,
    results,
  };
  await mkdir(join(root, "bench", "results"), { recursive: true });
  writeFileSync(`${resultFile}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
  await rename(`${resultFile}.tmp`, resultFile);

  const rows = [
    ["case", "sink MiB/s", "emulator MiB/s", "ratio emu/sink", "emu RSS growth", "growth/size"],
    ...results.map((r) => [
      r.case,
      r.sink.fileMBps.toFixed(1),
      r.emulator.fileMBps.toFixed(1),
      r.throughputRatio.toFixed(3),
      `${r.emulator.maxPeakRssGrowthMiB.toFixed(1)} MiB`,
      r.emulatorRssGrowthRatio.toFixed(4),
    ]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join("  "));
  console.log(
    `cold start (first uploads, not in the table): emulator RSS growth ` +
      `${coldStart["emulator binary 25 MB"].peakRssGrowthMiB} MiB (binary), ` +
      `${coldStart["emulator base64 25 MB"].peakRssGrowthMiB} MiB (base64)`,
  );
  console.log(`(MiB/s = MiB of file per second; results in ${resultFile})`);
} finally {
  clearTimeout(watchdog);
  killChildren();
  await rm(dataDir, { recursive: true, force: true });
}
