// The upload handler under measurement, alone in its process: `toNodeHandler(createUploadHandler)`
// from the built `packages/server/dist`, with a tus profile (`tus`) and a proxy profile (`proxy`),
// both sending on to the emulator. It counts the body bytes of every tus PATCH it receives (what
// a resumed upload sent again shows there) and reports them and its RSS over IPC.
//
// argv[2]: JSON of { dist, directory (the tus store's), imagekit (the config) }.
// IPC (parent -> child, each answered with the same `type` and `seq`):
//   { type: "reset" }   zeroes the counts, resets the peak RSS (VmHWM); answers { rss }
//   { type: "stats" }   answers { patchBodyBytes, patches, patchServerMs, rss, peakRss }
// child -> parent: { type: "ready", port } once it serves; { type: "server-error", error }.
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const { dist, directory, imagekit } = JSON.parse(process.argv[2] ?? "{}");
if (!dist || !directory || !imagekit || !process.send) {
  throw new Error("run by run.mjs: a JSON argument { dist, directory, imagekit } and IPC");
}

const { createUploadHandler, defineProfile } = await import(
  pathToFileURL(join(dist, "index.js")).href
);
const { toNodeHandler } = await import(pathToFileURL(join(dist, "node.js")).href);

const profile = (transport) =>
  defineProfile({
    transports: [transport],
    restrictions: { maxFileSize: "2GB" },
    rateLimit: false,
    options: () => ({ folder: "/bench-tus", useUniqueFileName: true }),
    onUploadComplete: ({ file }) => ({ size: file.size }),
  });

const uploads = toNodeHandler(
  createUploadHandler({
    imagekit,
    tus: { directory },
    profiles: { tus: profile("tus"), proxy: profile("proxy") },
    onError: (error) =>
      process.send?.({ type: "server-error", error: String(error?.stack ?? error) }),
  }),
);

let patchBodyBytes = 0;
let patches = 0;
/** Summed time from each PATCH's arrival to its answer's end, ms: the server's share of a chunk. */
let patchServerMs = 0;

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

process.on("message", (message) => {
  const answer = (body) => process.send?.({ type: message.type, seq: message.seq, ...body });
  if (message.type === "reset") {
    patchBodyBytes = 0;
    patches = 0;
    patchServerMs = 0;
    try {
      // Resets VmHWM to the current RSS, so the next peak is this upload's.
      writeFileSync("/proc/self/clear_refs", "5");
    } catch {
      // not Linux: the peak is then the process's whole life's
    }
    answer({ rss: process.memoryUsage().rss });
  } else if (message.type === "stats") {
    const status = procStatus();
    const rss = process.memoryUsage().rss;
    answer({
      patchBodyBytes,
      patches,
      patchServerMs: Math.round(patchServerMs),
      rss,
      peakRss: Math.max(rss, status?.hwm ?? 0),
    });
  }
});
process.on("disconnect", () => process.exit(0));

const server = createServer((req, res) => {
  if (req.method === "PATCH") {
    patches++;
    const arrived = performance.now();
    res.on("close", () => {
      patchServerMs += performance.now() - arrived;
    });
    // A second listener beside the adapter's: it sees every chunk the server reads, also of a
    // body that breaks off, and leaves pausing to the adapter.
    req.on("data", (chunk) => {
      patchBodyBytes += chunk.length;
    });
  }
  uploads(req, res);
});
server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: server.address().port });
});
