// The upload handler under measurement, alone in its process: `toNodeHandler(createUploadHandler)`
// from the built `packages/server/dist`, one tus profile (`files`, 2 GiB), the ImageKit config
// pointing at the emulator. Started by run.mjs with an IPC channel, over which it reports its own
// memory; nothing else runs here, so the RSS it reports is the handler's.
//
// argv[2]: JSON of { dist (the dist directory), directory (the tus store's), imagekit (the
// config), smaps (boolean: see `smaps()`) }.
//
// IPC (parent -> child, each answered with the same `type` and `seq`):
//   { type: "window" }          settle (two full GCs when --expose-gc), reset the peak, take the
//                               baseline, start a new list of samples; answers { baseline }
//   { type: "phase", name }     ends the current phase (its VmHWM is kept), starts `name`
//   { type: "collect" }         ends the window; answers { baseline, phases, samples }
// child -> parent: { type: "ready", port } once it serves; { type: "server-error", error }.
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { getHeapSpaceStatistics } from "node:v8";

const SAMPLE_MS = 50;

const { dist, directory, imagekit, smaps: smapsEnabled } = JSON.parse(process.argv[2] ?? "{}");
if (!dist || !directory || !imagekit || !process.send) {
  throw new Error("run by run.mjs: a JSON argument { dist, directory, imagekit } and IPC");
}

const { createUploadHandler, defineProfile } = await import(
  pathToFileURL(join(dist, "index.js")).href
);
const { toNodeHandler } = await import(pathToFileURL(join(dist, "node.js")).href);

const uploads = createUploadHandler({
  imagekit,
  tus: { directory },
  profiles: {
    files: defineProfile({
      transports: ["tus"],
      restrictions: { maxFileSize: "2GB" },
      rateLimit: false,
      options: () => ({ folder: "/tus-memory", useUniqueFileName: true }),
      onUploadComplete: ({ file }) => ({ size: file.size }),
    }),
  },
  onError: (error) =>
    process.send?.({ type: "server-error", error: String(error?.stack ?? error) }),
});

// ---------------------------------------------------------------------------------------------
// Memory

const MiB = 1024 * 1024;

/** VmRSS and VmHWM (peak RSS since the last reset), bytes; undefined off Linux. */
function procStatus() {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
    return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
  } catch {
    return undefined;
  }
}

/** Resets VmHWM to the current RSS; false where the kernel does not allow it. */
function resetPeak() {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

/** V8's young generation (semi-spaces and its large objects), committed bytes. */
function newSpace() {
  let bytes = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (space.space_name.startsWith("new_")) bytes += space.space_size;
  }
  return bytes;
}

const snapshot = () => {
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapTotal: m.heapTotal,
    // Of heapTotal: the young generation, which V8 grows and shrinks by semi-space steps.
    newSpace: newSpace(),
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
  };
};

/**
 * With `smaps` (run.mjs --smaps): resident memory by kind of mapping, MiB, from
 * /proc/self/smaps. `brkHeap` is glibc's main arena; `arenas` are anonymous mappings starting on a
 * 64 MiB boundary, which is where glibc puts the heaps of its other arenas (HEAP_MAX_SIZE), so
 * they are malloc memory of threads other than the main one (a V8 page lands there by chance,
 * 1 in 256); `otherAnon` holds V8's heap pages, large malloc blocks (mmapped) and stacks;
 * `files` code and data of mapped files.
 */
const ARENA_ALIGN = 64n * 1024n * 1024n;
function smaps() {
  if (!smapsEnabled) return undefined;
  let text;
  try {
    text = readFileSync("/proc/self/smaps", "utf8");
  } catch {
    return undefined;
  }
  const kinds = { brkHeap: 0, arenas: 0, otherAnon: 0, files: 0 };
  let arenaCount = 0;
  let kind = "otherAnon";
  for (const line of text.split("\n")) {
    const header = /^([0-9a-f]+)-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      const start = BigInt(`0x${header[1]}`);
      const name = header[2].trim();
      if (name === "[heap]") kind = "brkHeap";
      else if (name === "" && start % ARENA_ALIGN === 0n) kind = "arenas";
      else if (name === "" || name.startsWith("[")) kind = "otherAnon";
      else kind = "files";
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) {
      kinds[kind] += Number(rss[1]) * 1024;
      if (kind === "arenas" && Number(rss[1]) > 0) arenaCount++;
    }
  }
  return { ...kinds, arenaCount };
}
/** smaps is read at a new sampled RSS peak at most this often (a read costs about a ms). */
const SMAPS_EVERY_MS = 250;

let window;

function startPhase(name) {
  const reset = resetPeak();
  const now = snapshot();
  window.phase = {
    name,
    startedAt: Date.now(),
    peakReset: reset,
    sampledPeak: { ...now },
    // The whole snapshot at the highest sampled RSS: what the peak was made of.
    atPeak: now,
    smapsAtPeak: smaps(),
    smapsReadAt: Date.now(),
  };
}

function endPhase() {
  const { phase } = window;
  if (!phase) return;
  const status = procStatus();
  const now = snapshot();
  const sampledPeakRss = Math.max(phase.sampledPeak.rss, now.rss);
  window.phases.push({
    name: phase.name,
    ms: Date.now() - phase.startedAt,
    // VmHWM catches what falls between two samples; the sampled maxima say what grew.
    peakRss: Math.max(sampledPeakRss, status?.hwm ?? 0),
    sampledPeakRss,
    vmHWM: status?.hwm,
    peakReset: phase.peakReset,
    peakHeapTotal: Math.max(phase.sampledPeak.heapTotal, now.heapTotal),
    peakHeapUsed: Math.max(phase.sampledPeak.heapUsed, now.heapUsed),
    peakExternal: Math.max(phase.sampledPeak.external, now.external),
    peakArrayBuffers: Math.max(phase.sampledPeak.arrayBuffers, now.arrayBuffers),
    atPeak: now.rss > phase.atPeak.rss ? now : phase.atPeak,
    smapsAtPeak: phase.smapsAtPeak,
    end: now,
  });
  window.phase = undefined;
}

setInterval(() => {
  if (!window) return;
  const s = snapshot();
  const t = Date.now() - window.startedAt;
  window.samples.push([
    t,
    s.rss,
    s.heapTotal,
    s.heapUsed,
    s.external,
    s.arrayBuffers,
    window.phase?.name,
  ]);
  const phase = window.phase;
  if (!phase) return;
  for (const key of Object.keys(phase.sampledPeak)) {
    phase.sampledPeak[key] = Math.max(phase.sampledPeak[key], s[key]);
  }
  if (s.rss > phase.atPeak.rss) {
    phase.atPeak = s;
    if (smapsEnabled && Date.now() - phase.smapsReadAt >= SMAPS_EVERY_MS) {
      phase.smapsAtPeak = smaps();
      phase.smapsReadAt = Date.now();
    }
  }
}, SAMPLE_MS).unref();

async function settle() {
  // Two full collections a turn apart: the second frees what the first's finalizers released.
  if (typeof globalThis.gc === "function") {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    globalThis.gc();
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}

process.on("message", async (message) => {
  const answer = (body) => process.send?.({ type: message.type, seq: message.seq, ...body });
  if (message.type === "window") {
    if (message.settle !== false) await settle();
    window = {
      startedAt: Date.now(),
      baseline: snapshot(),
      smapsBaseline: smaps(),
      phases: [],
      samples: [],
    };
    startPhase("idle");
    answer({ baseline: window.baseline, gcExposed: typeof globalThis.gc === "function" });
  } else if (message.type === "phase") {
    endPhase();
    startPhase(message.name);
    answer({});
  } else if (message.type === "collect") {
    endPhase();
    const { baseline, smapsBaseline, phases, samples } = window;
    window = undefined;
    answer({ baseline, smapsBaseline, phases, samples, sampleMs: SAMPLE_MS });
  } else if (message.type === "now") {
    answer({ memory: snapshot(), status: procStatus() });
  }
});
// The parent went away: nothing is left to measure for.
process.on("disconnect", () => process.exit(0));

const server = createServer(toNodeHandler(uploads));
server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: server.address().port, rssMiB: snapshot().rss / MiB });
});
