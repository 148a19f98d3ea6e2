import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Upload } from "tus-js-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type TestEmulator } from "../support/emulator";
import { randomFile, sha256, tusFetch, tusUpload, waitForResult } from "./tus-kit";

/**
 * The handler runs in a child process (`restart-server.ts`) so that it can die for real
 * (SIGKILL: no close, no flush) mid-upload. The child runs from `src` through tsx (a dependency
 * of `@upkit/emulator`, resolved from there; `--import` keeps it one process, so the kill hits
 * the server itself), with `restart-tsconfig.json` mapping `@upkit/core` to its `src`: no build.
 */
const here = import.meta.dirname;
const tsx = pathToFileURL(
  createRequire(createRequire(import.meta.url).resolve("@upkit/emulator/package.json")).resolve(
    "tsx",
  ),
).href;

interface Child {
  process: ChildProcess;
  base: string;
  /** SIGKILLs the child; resolves once it exited. */
  kill(): Promise<void>;
}

const children = new Set<ChildProcess>();
let emulator: TestEmulator;
let directory: string;

beforeAll(async () => {
  emulator = await startEmulator();
  directory = await mkdtemp(join(tmpdir(), "upkit-tus-restart-"));
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await emulator?.dispose();
  if (directory) await rm(directory, { recursive: true, force: true });
});

function startChild(): Promise<Child> {
  const child = spawn(process.execPath, ["--import", tsx, join(here, "restart-server.ts")], {
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: join(here, "restart-tsconfig.json"),
      UPKIT_TUS_DIRECTORY: directory,
      UPKIT_IMAGEKIT: JSON.stringify(emulator.imagekit),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 10_000);
    child.once("exit", (code) => reject(new Error(`server exited (${code}): ${output}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk;
      const port = /listening (\d+)/.exec(output)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.stdout?.resume();
      resolve({
        process: child,
        base: `http://127.0.0.1:${port}/api/upload`,
        async kill() {
          child.kill("SIGKILL");
          await exited;
          children.delete(child);
        },
      });
    });
  });
}

/** The same upload on another server: the path stays, the origin is the new one's. */
const moved = (uploadUrl: string, base: string) => new URL(new URL(uploadUrl).pathname, base).href;

it("resumes a tus upload after the server was killed mid-upload and started again", async () => {
  const chunkSize = 256 * 1024;
  const data = randomFile(3 * 1024 * 1024 + 123);
  const metadata = { filename: "restarted.bin", filetype: "application/octet-stream" };

  const first = await startChild();
  let acknowledged = 0;
  let killed = false;
  const cut = await new Promise<{ url: string; error: Error }>((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint: `${first.base}/files/tus`,
      chunkSize,
      retryDelays: [],
      metadata,
      onChunkComplete: (_size, accepted) => {
        acknowledged = accepted;
      },
      // Before the PATCH after the fourth chunk: the server dies between two chunks, so what it
      // holds is exactly what it acknowledged.
      onBeforeRequest: async (request) => {
        if (request.getMethod() !== "PATCH" || acknowledged < 4 * chunkSize || killed) return;
        killed = true;
        await first.kill();
      },
      onError: (error) => resolve({ url: upload.url as string, error }),
      onSuccess: () => reject(new Error("the upload was meant to be cut off")),
    });
    upload.start();
  });
  expect(killed).toBe(true);
  expect(acknowledged).toBe(4 * chunkSize);
  expect(cut.url).toMatch(/\/api\/upload\/files\/tus\/[A-Za-z0-9_-]+$/);

  const second = await startChild();
  const uploadUrl = moved(cut.url, second.base);
  const head = await tusFetch(uploadUrl, { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(Number(head.headers.get("upload-offset"))).toBe(acknowledged);
  expect(Number(head.headers.get("upload-length"))).toBe(data.length);

  let resumedFrom: number | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint: `${second.base}/files/tus`,
      uploadUrl,
      chunkSize,
      retryDelays: [],
      metadata,
      onBeforeRequest: (request) => {
        if (request.getMethod() === "PATCH" && resumedFrom === undefined) {
          resumedFrom = Number(request.getHeader("Upload-Offset"));
        }
      },
      onError: reject,
      onSuccess: () => resolve(upload.url as string),
    });
    upload.start();
  });
  expect(url).toBe(uploadUrl);
  expect(resumedFrom).toBe(acknowledged);

  const result = await waitForResult(url);
  expect(result.status).toBe(200);
  expect(result.body.data).toEqual({ size: data.length });
  expect(result.body.file.size).toBe(data.length);
  const stored = Buffer.from(await (await fetch(result.body.file.url)).arrayBuffer());
  expect(sha256(stored)).toBe(sha256(data));
  // The new server removed the upload it finished, its bytes and its metadata.
  expect(await readdir(directory)).toEqual([]);
  await second.kill();
}, 20_000);

it("forwards a finished upload again when the server died while sending it to ImageKit", async () => {
  const data = randomFile(2 * 1024 * 1024 + 7);
  // The first forward hangs at ImageKit: the server dies with the upload "forwarding".
  await fetch(`${emulator.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "/api/v1/files/upload", times: 1, fault: { stall: true } }),
  });
  const first = await startChild();
  const { url } = await tusUpload(`${first.base}/files/tus`, data, {
    metadata: { filename: "forwarded-twice.bin", filetype: "application/octet-stream" },
  });
  const during = await tusFetch(`${url}/result`);
  expect(during.status).toBe(202);
  expect(await during.json()).toMatchObject({ state: "forwarding", size: data.length });
  await first.kill();
  expect(await emulatorFileCount()).toBe(0);

  // The browser asks the restarted server: it finds the finished bytes and sends them again.
  const second = await startChild();
  const result = await waitForResult(moved(url, second.base));
  expect(result.status).toBe(200);
  expect(result.body.data).toEqual({ size: data.length });
  const stored = Buffer.from(await (await fetch(result.body.file.url)).arrayBuffer());
  expect(sha256(stored)).toBe(sha256(data));
  expect(await emulatorFileCount()).toBe(1);
  expect(await readdir(directory)).toEqual([]);
  // Asked again, the same answer, not a third forward.
  const again = await waitForResult(moved(url, second.base));
  expect(again.body.file.fileId).toBe(result.body.file.fileId);
  expect(await emulatorFileCount()).toBe(1);
  await second.kill();
}, 20_000);

/** How many files the emulator holds under the profile's folder. */
async function emulatorFileCount(): Promise<number> {
  const response = await fetch(`${emulator.url}/v1/files?path=/restarted`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${emulator.imagekit.privateKey}:`).toString("base64")}`,
    },
  });
  const files = (await response.json()) as { name: string }[];
  return files.filter((file) => file.name.startsWith("forwarded-twice")).length;
}
