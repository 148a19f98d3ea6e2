#!/usr/bin/env node
// CPU profiles of the proxy route's process and of the emulator's, under the same load as
// run.mjs: after a 16 MiB warm-up, `--count` uploads of `--size` MiB through the kit's proxy
// route, or straight to the emulator with `--direct` (its file as a base64 text field with
// `--base64`, direct only). Each process runs with `node --cpu-prof`;
// the profiles are written on their exit, then summarised by self time (the hot functions).
// Usage (from the repo root, after `pnpm build`):
//   node bench/proxy/profile.mjs [--size 512] [--count 2] [--direct [--base64]] [--out dir] [--top 25]
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { multipartUpload } from "./generated-upload.mjs";
import { startProcess } from "./start-process.mjs";

const MiB = 1024 * 1024;
const root = fileURLToPath(new URL("../..", import.meta.url));
const here = fileURLToPath(new URL(".", import.meta.url));
const { values } = parseArgs({
  options: {
    size: { type: "string", default: "512" },
    count: { type: "string", default: "2" },
    direct: { type: "boolean", default: false },
    base64: { type: "boolean", default: false },
    out: { type: "string" },
    top: { type: "string", default: "25" },
  },
});

function post(url, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: { "content-type": body.contentType, "content-length": body.length, ...headers },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      let text = "";
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    (async () => {
      for (const chunk of body.chunks()) {
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
      }
      req.end();
    })().catch(reject);
  });
}

/** Self time by function, busy time only (idle excluded), with the share of the busy total. */
export function summarise(profile, top) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const total = profile.endTime - profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const byFunction = new Map();
  let busy = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    if (functionName === "(idle)") continue;
    busy += us;
    const where = url
      ? url.replace(/^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules|packages)\//, "")
      : "";
    const key = `${functionName || "(anonymous)"} ${where}${where ? `:${lineNumber + 1}` : ""}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const rows = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    wallSeconds: total / 1e6,
    busySeconds: busy / 1e6,
    top: rows.map(([name, us]) => ({
      name,
      ms: Math.round(us / 1000),
      share: Math.round((1000 * us) / busy) / 10,
    })),
  };
}

if (values.base64 && !values.direct) throw new Error("--base64 needs --direct");
const dir = values.out ?? (await mkdtemp(join(tmpdir(), "upkit-profile-")));
const dataDir = await mkdtemp(join(tmpdir(), "upkit-profile-data-"));
const prof = (name) => ["--cpu-prof", "--cpu-prof-dir", join(dir, name)];
const limit = String(4 * 1024 * MiB);
const emulator = await startProcess(
  [
    ...prof("emulator"),
    join(root, "packages", "emulator", "dist", "cli.js"),
    ...["--port", "0", "--dir", dataDir, "--quiet"],
    ...["--max-file-size", limit, "--max-video-size", limit],
  ],
  /ImageKit emulator at (\S+)[\s\S]*emulator ready/,
);
const origin = emulator.url.origin;
const privateKey = "private_emulator_key";
const auth = `Basic ${Buffer.from(`${privateKey}:`).toString("base64")}`;
const imagekit = {
  privateKey,
  publicKey: "public_emulator_key",
  urlEndpoint: `${origin}/upkit-demo`,
  uploadEndpoint: origin,
  apiEndpoint: origin,
};
const kit = values.direct
  ? undefined
  : await startProcess(
      [
        ...prof("proxy"),
        join(here, "upload-server.mjs"),
        JSON.stringify({ dist: join(root, "packages", "server", "dist"), imagekit, route: "kit" }),
      ],
      /kit route at (\S+)/,
    );

const upload = (size) =>
  kit
    ? post(
        new URL("/api/upload/files/proxy", kit.url),
        multipartUpload({ size: String(size) }, "p.mp4", size),
      )
    : post(
        new URL("/api/v1/files/upload", emulator.url),
        multipartUpload({ fileName: "p.mp4", useUniqueFileName: "true" }, "p.mp4", size, {
          base64: values.base64,
        }),
        { authorization: auth },
      );

await upload(16 * MiB);
const started = performance.now();
for (let i = 0; i < Number(values.count); i++) {
  const answer = await upload(Number(values.size) * MiB);
  if (answer.status !== 200) throw new Error(`${answer.status} ${answer.text}`);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `${values.count} x ${values.size} MiB ${kit ? "through the proxy" : values.base64 ? "direct, base64" : "direct"}: ${seconds.toFixed(1)} s`,
);

const exited = (child) => new Promise((resolve) => child.once("exit", resolve));
for (const server of [kit, emulator].filter(Boolean)) {
  const done = exited(server.child);
  server.child.kill("SIGTERM");
  await done;
}
for (const name of kit ? ["proxy", "emulator"] : ["emulator"]) {
  const [file] = await readdir(join(dir, name));
  const summary = summarise(
    JSON.parse(await readFile(join(dir, name, file), "utf8")),
    Number(values.top),
  );
  console.log(
    `\n${name}: busy ${summary.busySeconds.toFixed(2)} s of ${summary.wallSeconds.toFixed(1)} s (${join(dir, name, file)})`,
  );
  for (const row of summary.top) {
    console.log(`${String(row.ms).padStart(7)} ms ${String(row.share).padStart(5)}%  ${row.name}`);
  }
}
await rm(dataDir, { recursive: true, force: true });
