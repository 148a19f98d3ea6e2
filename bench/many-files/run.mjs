#!/usr/bin/env node
// 1,000 small PNGs dropped on <Uploader> in Chromium, uploaded to the emulator: the time until
// all are done next to the sum of their request latencies divided by the engine's concurrency
// (what a queue with no gaps would take), and the longest main-thread task meanwhile (goal:
// 50 ms). The page is bench/bundle's app at /upkit, a Next.js production build. See README.md.
//
//   node bench/many-files/run.mjs           # 1,000 files; npm ci and next build first
//   node bench/many-files/run.mjs --quick   # 200 files; reuses the app's node_modules
//
// Run after `pnpm build`.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";
import {
  buildBenchApp,
  freePort,
  imagekitEnv,
  installBenchApp,
  launchChromium,
  startBenchApp,
} from "../bundle/bench-app.mjs";
import { writeResult } from "../lib/write-result.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const quick = process.argv.includes("--quick");
const option = (name) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
};
const count = Number(option("--files") ?? (quick ? 200 : 1000));
/** Where to write a Chrome trace of the page from the drop to all done (chrome://tracing). */
const traceFile = option("--trace");
/** Where to write a CPU profile of the page from the drop to all done (Chrome DevTools format). */
const profileFile = option("--profile");
const LONG_TASK_GOAL_MS = 50;
/** How long the whole upload may take before the run gives up. */
const TIMEOUT_MS = 10 * 60_000;

/** The engine's default concurrency, read from its source so the two never drift apart. */
function engineConcurrency() {
  const source = readFileSync(join(root, "packages/core/src/engine/upload-queue.ts"), "utf8");
  const match = /options\.concurrency \?\? (\d+)/.exec(source);
  if (!match) throw new Error("no default concurrency found in upload-queue.ts");
  return Number(match[1]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A valid 26 x 26 RGB PNG of random pixels, stored uncompressed: about 2 KB, each one unique. */
function smallPng() {
  const side = 26;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter method, no interlace
  const rows = [];
  for (let y = 0; y < side; y++) rows.push(Buffer.from([0]), randomBytes(side * 3));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(Buffer.concat(rows), { level: 0 })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

function startEmulator(port, dir) {
  const child = spawn(
    process.execPath,
    [join(root, "packages/emulator/dist/cli.js"), "--port", String(port), "--dir", dir, "--quiet"],
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const keep = (data) => {
    output += data;
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  };
  process.once("exit", stop);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start:\n${output}`)), 30_000);
    child.stdout.on("data", () => {
      if (output.includes("emulator ready")) {
        clearTimeout(timer);
        resolve({ url: `http://localhost:${port}`, stop });
      }
    });
    child.on("exit", () => reject(new Error(`emulator exited:\n${output}`)));
  });
}

/**
 * Runs in the page before its own scripts: records every long task (over 50 ms, as Chromium
 * reports them) and keeps every resource timing entry (the buffer holds 250 by default).
 */
function observe() {
  window.__longTasks = [];
  performance.setResourceTimingBufferSize(100_000);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__longTasks.push({ startTime: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: "longtask", buffered: true });
}

/** In the page: makes the Files and a DataTransfer holding them, ready to drop. */
function prepareDrop(pngs) {
  const bytes = (base64) => Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  const data = new DataTransfer();
  pngs.forEach((base64, index) => {
    data.items.add(new File([bytes(base64)], `photo-${index + 1}.png`, { type: "image/png" }));
  });
  window.__drop = data;
}

/**
 * In the page: drops the files on the dropzone as a drag from the desktop would, then resolves
 * when the total progress says every file is uploaded (or some failed), with the times.
 */
function dropAndWait(timeoutMs) {
  const zone = document.querySelector('[data-part="dropzone"]');
  const start = performance.now();
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(
      new DragEvent(type, { dataTransfer: window.__drop, bubbles: true, cancelable: true }),
    );
  }
  return new Promise((resolve, reject) => {
    // A check every 20 ms costs one query, against a run of seconds.
    const timer = setInterval(() => {
      const total = document.querySelector('[data-part="total-progress"]');
      const state = total?.getAttribute("data-state");
      if (state === "success" || state === "error") {
        clearInterval(timer);
        resolve({ start, end: performance.now(), state, text: total.textContent });
      } else if (performance.now() - start > timeoutMs) {
        clearInterval(timer);
        reject(new Error(`not done after ${timeoutMs} ms: ${total?.textContent}`));
      }
    }, 20);
  });
}

/** The renderer main thread's tasks in a trace: wall and thread CPU time, ms. */
function mainThreadTasks({ traceEvents }) {
  const main = new Set(
    traceEvents
      .filter((event) => event.name === "thread_name" && event.args?.name === "CrRendererMain")
      .map((event) => `${event.pid}:${event.tid}`),
  );
  return traceEvents
    .filter(
      (event) =>
        event.name === "RunTask" && event.ph === "X" && main.has(`${event.pid}:${event.tid}`),
    )
    .map((event) => ({ wall: event.dur / 1000, cpu: (event.tdur ?? event.dur) / 1000 }));
}

/**
 * Prints what the main thread did in each task over 50 ms of a trace: its children by name
 * (scripts by function and file), longest first.
 */
function summariseTrace({ traceEvents }) {
  const tasks = traceEvents.filter(
    (event) => event.name === "RunTask" && event.ph === "X" && event.dur > 50_000,
  );
  for (const task of tasks.sort((a, b) => b.dur - a.dur).slice(0, 8)) {
    const inside = traceEvents.filter(
      (event) =>
        event.ph === "X" &&
        event.pid === task.pid &&
        event.tid === task.tid &&
        event !== task &&
        event.ts >= task.ts &&
        event.ts + (event.dur ?? 0) <= task.ts + task.dur,
    );
    const parts = new Map();
    for (const event of inside) {
      const data = event.args?.data ?? {};
      const where =
        data.functionName || data.url
          ? ` ${data.functionName ?? ""} ${(data.url ?? "").split("/").pop()}:${data.lineNumber ?? ""}`
          : "";
      const key = `${event.name}${where}`;
      parts.set(key, (parts.get(key) ?? 0) + event.dur / 1000);
    }
    console.log(`task of ${(task.dur / 1000).toFixed(1)} ms:`);
    for (const [key, ms] of [...parts].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
      console.log(`  ${ms.toFixed(1).padStart(7)} ms  ${key}`);
    }
  }
}

/** Prints the functions with the most self time in a CPU profile, and the idle share. */
function summariseProfile({ nodes, samples, timeDeltas }) {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  samples.forEach((id, index) => {
    const { functionName, url, lineNumber, columnNumber } = byId.get(id).callFrame;
    const file = url.split("/").pop();
    const key = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}:${columnNumber + 1}`;
    const ms = (timeDeltas[index] ?? 0) / 1000;
    self.set(key, (self.get(key) ?? 0) + ms);
    total += ms;
  });
  console.log(`CPU profile, ${Math.round(total)} ms sampled; most self time:`);
  for (const [key, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${ms.toFixed(0).padStart(7)} ms  ${key}`);
  }
}

async function main() {
  const started = Date.now();
  const concurrency = engineConcurrency();
  console.log("--- install");
  const installed = await installBenchApp({ reuse: quick });
  console.log(`    ${installed}`);
  console.log("--- next build");
  await buildBenchApp();

  const dataDir = mkdtempSync(join(tmpdir(), "upkit-many-files-"));
  const emulator = await startEmulator(await freePort(), dataDir);
  const server = await startBenchApp({ env: imagekitEnv(emulator.url) });
  const browser = await launchChromium();
  let outcome;
  let longTasks;
  let requests;
  let mainTasks;
  const loadBefore = loadavg()[0];
  try {
    const page = await browser.newPage();
    await page.addInitScript(observe);
    await page.goto(`${server.url}/upkit`, { waitUntil: "networkidle" });
    // The pointer reaches the dropzone first, as it does with a drag: that loads the file list
    // and the queue, so the measure is the upload, not the loading of their code.
    await page.locator('[data-part="dropzone"]').hover();
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(500);
    const pngs = Array.from({ length: count }, () => smallPng());
    const bytes = pngs.reduce((sum, png) => sum + png.length, 0);
    await page.evaluate(
      prepareDrop,
      pngs.map((png) => png.toString("base64")),
    );
    console.log(`--- dropping ${count} PNGs (${Math.round(bytes / count)} B each)`);
    const cdp = profileFile ? await page.context().newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
      await cdp.send("Profiler.start");
    }
    // Always traced: a long task's wall time counts the time the renderer waited for a core
    // (on a busy machine, most of it); the trace also gives each task's thread CPU time.
    await browser.startTracing(page, {
      categories: [
        "devtools.timeline",
        "disabled-by-default-devtools.timeline",
        ...(traceFile ? ["v8.execute"] : []),
      ],
    });
    outcome = await page.evaluate(dropAndWait, TIMEOUT_MS);
    const trace = await browser.stopTracing();
    if (traceFile) writeFileSync(traceFile, trace);
    mainTasks = mainThreadTasks(JSON.parse(trace.toString()));
    if (traceFile) summariseTrace(JSON.parse(trace.toString()));
    if (cdp) {
      const { profile } = await cdp.send("Profiler.stop");
      writeFileSync(profileFile, JSON.stringify(profile));
      summariseProfile(profile);
    }
    outcome.bytes = bytes;
    ({ longTasks, requests } = await page.evaluate(() => ({
      longTasks: window.__longTasks,
      requests: performance
        .getEntriesByType("resource")
        .filter((entry) => ["fetch", "xmlhttprequest"].includes(entry.initiatorType))
        .map((entry) => ({
          url: entry.name,
          startTime: entry.startTime,
          duration: entry.duration,
        })),
    })));
    // The list is windowed (only rows near the viewport are mounted): the counts come from the
    // total progress ("N of M uploaded") and the rows' aria-setsize.
    const totals = (await page.locator('[data-part="total-progress"]').textContent()) ?? "";
    const [, succeeded, files] = /(\d+) of (\d+) uploaded/.exec(totals) ?? [];
    outcome.succeeded = Number(succeeded ?? 0);
    const rows = page.locator('[data-part="file-item"]');
    outcome.files = Number((await rows.first().getAttribute("aria-setsize")) ?? files ?? 0);
  } finally {
    await browser.close();
    server.stop();
    emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const during = requests.filter((request) => request.startTime >= outcome.start);
  const byKind = {};
  for (const request of during) {
    const { pathname } = new URL(request.url);
    const kind = pathname.startsWith("/api/upload/")
      ? pathname.split("/").pop()
      : `emulator ${pathname}`;
    byKind[kind] ??= { count: 0, ms: 0 };
    byKind[kind].count++;
    byKind[kind].ms += request.duration;
  }
  // How long 0, 1, 2, ... requests were in flight between the drop and all done: slots the
  // queue left idle show up as time under the concurrency.
  const edges = during
    .flatMap((request) => [
      [request.startTime, 1],
      [request.startTime + request.duration, -1],
    ])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const inFlight = {};
  let level = 0;
  let last = outcome.start;
  const gaps = [];
  for (const [time, step] of [...edges, [outcome.end, 0]]) {
    inFlight[level] = (inFlight[level] ?? 0) + (time - last);
    if (level === 0 && time - last >= 100)
      gaps.push({ atMs: last - outcome.start, ms: time - last });
    level += step;
    last = time;
  }
  const latencySum = during.reduce((sum, request) => sum + request.duration, 0);
  const ideal = latencySum / concurrency;
  const wall = outcome.end - outcome.start;
  const tasksDuring = longTasks.filter((task) => task.startTime >= outcome.start);
  const tasksBefore = longTasks.filter((task) => task.startTime < outcome.start);
  const longest = Math.max(0, ...tasksDuring.map((task) => task.duration));
  const longestCpu = mainTasks.reduce((max, task) => (task.cpu > max.cpu ? task : max), {
    cpu: 0,
    wall: 0,
  });
  const longCpu = mainTasks.filter((task) => task.cpu > LONG_TASK_GOAL_MS);
  const load = `load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after, on ${cpus().length} cores`;
  const longestLoad = Math.max(0, ...tasksBefore.map((task) => task.duration));
  const round = (value, digits = 0) => Number(value.toFixed(digits));
  const kinds = Object.entries(byKind)
    .map(([kind, { count: n, ms }]) => `${kind} ${n} x ${round(ms / n, 1)} ms`)
    .join(", ");
  const done = outcome.state === "success" && outcome.succeeded === count;

  const rows = [
    {
      measure: `time until all ${count} files are done`,
      value: round(wall),
      unit: "ms",
      goal: null,
      met: null,
      detail: `from the drop until the total progress reads done: "${outcome.text}" (${outcome.succeeded} of ${count} files uploaded)`,
    },
    {
      measure: `sum of request latencies ÷ concurrency ${concurrency}`,
      value: round(ideal),
      unit: "ms",
      goal: null,
      met: null,
      detail: `${during.length} requests after the drop, ${round(latencySum)} ms in all: ${kinds}`,
    },
    {
      measure: "time until all done ÷ (latencies ÷ concurrency)",
      value: round(wall / ideal, 2),
      unit: "×",
      goal: null,
      met: null,
      detail:
        "1 would be a queue that always has its slots busy and no main-thread delay between one file's end and the next one's start",
    },
    {
      measure: "longest main-thread task, drop to all done",
      value: round(longest, 1),
      unit: "ms",
      goal: `≤ ${LONG_TASK_GOAL_MS} ms`,
      met: longest <= LONG_TASK_GOAL_MS,
      detail: `wall time, from PerformanceObserver 'longtask' entries: ${tasksDuring.length} over 50 ms, ${round(
        tasksDuring.reduce((sum, task) => sum + task.duration, 0),
      )} ms in all; it counts time the renderer waited for a core (${load})`,
    },
    {
      measure: "longest main-thread task, drop to all done, thread CPU time",
      value: round(longestCpu.cpu, 1),
      unit: "ms",
      goal: `≤ ${LONG_TASK_GOAL_MS} ms`,
      met: longestCpu.cpu <= LONG_TASK_GOAL_MS,
      detail: `from a Chrome trace of the same window (RunTask on CrRendererMain, thread time): ${longCpu.length} of ${mainTasks.length} tasks over 50 ms of CPU; the longest took ${round(longestCpu.wall, 1)} ms of wall time`,
    },
    {
      measure: "longest main-thread task while the page loads",
      value: round(longestLoad, 1),
      unit: "ms",
      goal: null,
      met: null,
      detail: `${tasksBefore.length} long tasks before the drop (page load, hover, making the Files)`,
    },
  ];
  const file = writeResult({
    benchmark: "many-files",
    quick,
    method: `${count} PNGs of about 2 KB (random pixels, generated) are made into Files in Chromium (headless, Playwright) and dropped on <Uploader> (dragenter, dragover, drop with a DataTransfer) on the /upkit page of bench/bundle's Next.js app (production build, next start) after the pointer has hovered the dropzone, which loads the file list and queue code. The route signs direct uploads to the emulator (packages/emulator, its own process); every file makes a sign, an upload and a complete request. Time until all done runs from the drop until the total progress reads success (checked every 20 ms). Request latencies are the Resource Timing durations of every fetch and XHR after the drop, summed and divided by the engine's default concurrency (${concurrency}, read from upload-queue.ts). Long tasks come from a PerformanceObserver for 'longtask' entries injected before the page's own scripts.`,
    rows,
    series: {
      "many-files-time": {
        title: `${count} files: time until all done vs request latencies ÷ ${concurrency}`,
        kind: "bar",
        y: "s",
        bars: [
          ["all done", round(wall / 1000, 2)],
          [`latencies ÷ ${concurrency}`, round(ideal / 1000, 2)],
        ],
      },
    },
    files: count,
    concurrency,
    requestKinds: byKind,
    // The longest stretches with no request in flight, from the drop.
    idleGaps: gaps
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10)
      .map((gap) => ({ atMs: Math.round(gap.atMs), ms: Math.round(gap.ms) })),
    inFlightMs: Object.fromEntries(
      Object.entries(inFlight).map(([requests, ms]) => [requests, Math.round(ms)]),
    ),
    longTasks: tasksDuring.map((task) => ({
      startMs: round(task.startTime - outcome.start),
      durationMs: round(task.duration, 1),
    })),
    install: installed,
    durationS: Math.round((Date.now() - started) / 1000),
  });
  for (const row of rows) {
    console.log(
      `${row.measure}: ${row.value} ${row.unit}${row.goal ? ` (goal ${row.goal}: ${row.met ? "met" : "NOT met"})` : ""}`,
    );
  }
  console.log(`wrote ${file}`);
  if (!done) {
    console.log(`not every file was uploaded: ${outcome.text}`);
    process.exitCode = 1;
  }
}

await main();
