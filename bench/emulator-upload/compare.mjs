#!/usr/bin/env node
// Two builds of the emulator side by side, interleaved: each its own process, the same uploads
// sent to one then the other (alternating which goes first), so that both see the same load on a
// shared machine. Reports each build's CPU seconds per GiB (all threads, from /proc), MB/s and
// peak RSS growth, as the median (and range) of the reps. Only 127.0.0.1 is contacted.
// Usage (from the repo root), e.g. against a copy of an earlier build's dist/ inside
// packages/emulator (so that its imports resolve):
//   node bench/emulator-upload/compare.mjs --before packages/emulator/dist-before \
//     [--after packages/emulator/dist] [--mode binary|base64] [--size 256] [--reps 5]
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { multipartUpload } from "../proxy/generated-upload.mjs";
import { measure } from "../proxy/process-meter.mjs";
import { startProcess, stopProcesses } from "../proxy/start-process.mjs";

const MiB = 1024 * 1024;
const root = fileURLToPath(new URL("../..", import.meta.url));
const { values } = parseArgs({
  options: {
    before: { type: "string" },
    after: { type: "string", default: join(root, "packages", "emulator", "dist") },
    mode: { type: "string", default: "binary" },
    size: { type: "string", default: "256" },
    reps: { type: "string", default: "5" },
  },
});
if (!values.before) throw new Error("--before <dist dir> is required");
const base64 = values.mode === "base64";
const size = Number(values.size) * MiB;
const AUTH = `Basic ${Buffer.from("private_emulator_key:").toString("base64")}`;
const watchdog = setTimeout(() => {
  console.error("compare: gave up after 10 min");
  stopProcesses();
  process.exit(1);
}, 10 * 60_000);

function send(url, method, body) {
  return new Promise((done, fail) => {
    const req = request(url, {
      method,
      headers: {
        authorization: AUTH,
        ...(body ? { "content-type": body.contentType, "content-length": body.length } : {}),
      },
    });
    req.setTimeout(5 * 60_000, () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on("error", fail);
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => done({ status: res.statusCode, body: text ? JSON.parse(text) : {} }));
    });
    (async () => {
      for (const chunk of body?.chunks() ?? []) {
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      }
      req.end();
    })().catch(fail);
  });
}

async function start(dist, dataDir) {
  const limit = String(4 * 1024 * MiB);
  return startProcess(
    [
      join(resolve(dist), "cli.js"),
      ...["--port", "0", "--dir", dataDir, "--quiet"],
      ...["--max-file-size", limit, "--max-video-size", limit],
    ],
    /ImageKit emulator at (\S+)[\s\S]*emulator ready/,
  );
}

/** One upload, measured; the stored file is deleted afterwards, outside the measurement. */
async function once(server, bytes) {
  const body = multipartUpload({ fileName: "c.mp4" }, "c.mp4", bytes, { base64 });
  const url = new URL("/api/v1/files/upload", server.url);
  const m = await measure({ server: server.pid }, () => send(url, "POST", body));
  if (m.result.status !== 200 || m.result.body.size !== bytes)
    throw new Error(`${m.result.status} ${JSON.stringify(m.result.body)}`);
  await send(new URL(`/v1/files/${m.result.body.fileId}`, server.url), "DELETE");
  const { cpuSeconds, rssGrowth } = m.processes.server;
  return { cpu: (cpuSeconds * 1024 * MiB) / bytes, mbps: bytes / 1e6 / (m.ms / 1000), rssGrowth };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs, digits) => {
  const s = [...xs].sort((a, b) => a - b);
  const f = (n) => n.toFixed(digits);
  return `${f(median(s))} (${f(s[0])}-${f(s.at(-1))})`;
};

const dirs = [
  await mkdtemp(join(tmpdir(), "upkit-cmp-")),
  await mkdtemp(join(tmpdir(), "upkit-cmp-")),
];
try {
  const builds = {
    before: await start(values.before, dirs[0]),
    after: await start(values.after, dirs[1]),
  };
  for (const server of Object.values(builds)) await once(server, 16 * MiB); // warm-up
  const runs = { before: [], after: [] };
  for (let rep = 0; rep < Number(values.reps); rep++) {
    const order = rep % 2 ? ["after", "before"] : ["before", "after"];
    for (const name of order) runs[name].push(await once(builds[name], size));
  }
  console.log(`${values.mode} ${values.size} MiB, ${values.reps} reps each, interleaved:`);
  for (const [name, list] of Object.entries(runs)) {
    console.log(
      `  ${name.padEnd(6)} CPU-s/GiB ${range(
        list.map((r) => r.cpu),
        2,
      )}  MB/s ${range(
        list.map((r) => r.mbps),
        0,
      )}  RSS growth MiB ${range(
        list.map((r) => r.rssGrowth / MiB),
        1,
      )}`,
    );
  }
} finally {
  clearTimeout(watchdog);
  stopProcesses();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}
