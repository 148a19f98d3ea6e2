import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createMemoryUrlStorage,
  createUploader,
  type Uploader,
  type UploadFile,
} from "@upkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUploadHandler, defineProfile } from "../../src/index";
import { toNodeHandler } from "../../src/node";
import { startEmulator, type TestEmulator } from "../support/emulator";

/*
 * The browser engine's tus transport against the real handler and a real emulator: the two
 * halves of resumable uploads were each tested against a stand-in of the other, so this is where
 * their wire contract (paths, metadata, the result route's statuses and bodies) is held together.
 *
 * The profile has no `authorize`: the tus transport hands tus-js-client no headers and the
 * engine's `fetch` reaches only the JSON calls (config, result), and Node's HTTP stack sends no
 * cookies, so an engine outside a browser cannot identify a user on tus requests.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
const CHUNK = 256 * KiB;
/** ImageKit's video limit, under the profile's 50 MB: a file between the two is ImageKit's refusal. */
const EMULATOR_VIDEO_LIMIT = 4 * MiB;

let emulator: TestEmulator;
let directory: string;
let server: Server;
let endpoint: string;
/**
 * What reached the handler: tus creations, PATCHes, the result route's statuses, and a wait
 * before each PATCH while a test pauses.
 */
const traffic = { creations: 0, patches: 0, results: [] as number[], patchDelayMs: 0 };

beforeAll(async () => {
  emulator = await startEmulator({ maxVideoSize: EMULATOR_VIDEO_LIMIT });
  directory = await mkdtemp(join(tmpdir(), "upkit-engine-tus-"));
  const uploads = createUploadHandler({
    imagekit: emulator.imagekit,
    tus: { directory },
    profiles: {
      videos: defineProfile({
        transports: ["tus"],
        restrictions: { accept: ["video/*"], maxFileSize: "50MB" },
        rateLimit: false,
        options: () => ({ folder: "/videos" }),
        onUploadComplete: ({ file }) => ({ fileId: file.fileId, bytes: file.size }),
      }),
    },
  });
  const handle = toNodeHandler(uploads);
  server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method === "POST" && path.endsWith("/videos/tus")) traffic.creations++;
    if (path.endsWith("/result")) res.on("finish", () => traffic.results.push(res.statusCode));
    if (req.method !== "PATCH") return void handle(req, res);
    traffic.patches++;
    setTimeout(() => void handle(req, res), traffic.patchDelayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/upload`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await emulator?.dispose();
  await rm(directory, { recursive: true, force: true });
});

function engine(urlStorage = createMemoryUrlStorage()): Uploader {
  return createUploader({
    profile: "videos",
    endpoint,
    transport: "tus",
    retries: 0,
    // The config and result calls go through it, as a browser's would.
    fetch: (input, init) => fetch(input, init),
    tus: { chunkSize: CHUNK, retryDelays: [0, 100, 300], urlStorage },
  });
}

/** Every view of the (only) file the engine published, and a way to wait for one. */
function watch(uploader: Uploader) {
  const seen: UploadFile[] = [];
  const waiters: { check: (file: UploadFile) => boolean; resolve: (file: UploadFile) => void }[] =
    [];
  uploader.subscribe(() => {
    const file = uploader.getSnapshot().files[0];
    if (!file) return;
    seen.push(file);
    for (const waiter of [...waiters]) {
      if (!waiter.check(file)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(file);
    }
  });
  const until = (check: (file: UploadFile) => boolean) =>
    new Promise<UploadFile>((resolve) => waiters.push({ check, resolve }));
  return { seen, until };
}

/** An ISO BMFF `ftyp` box (brand isom), so that the bytes sniff as video/mp4. */
const FTYP = Buffer.from("000000186674797069736f6d0000020069736f6d6d703431", "hex");

function movie(size: number, name = "clip.mp4"): { file: File; bytes: Buffer } {
  const bytes = Buffer.concat([FTYP, randomBytes(size - FTYP.length)]);
  const file = new File([bytes], name, { type: "video/mp4", lastModified: Date.now() });
  return { file, bytes };
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

async function storedSha256(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return sha256(new Uint8Array(await response.arrayBuffer()));
}

async function imagekitFiles(): Promise<{ fileId: string; size: number }[]> {
  return (await emulator.api("/v1/files")).body;
}

const first = (uploader: Uploader) => uploader.getSnapshot().files[0] as UploadFile;

describe("the engine's tus transport to ImageKit through the handler", () => {
  it("uploads in chunks, passes through forwarding, and succeeds with ImageKit's file", async () => {
    const before = traffic.creations;
    traffic.results = [];
    // ImageKit slow to answer: the result route is asked while the file is on its way.
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "/api/v1/files/upload", times: 1, fault: { latencyMs: 800 } }),
    });
    const { file, bytes } = movie(3 * MiB + 12_345);
    const uploader = engine();
    const { seen } = watch(uploader);
    await uploader.addFiles([file]);
    await uploader.settled();

    const done = first(uploader);
    expect(done).toMatchObject({
      status: "success",
      transport: "tus",
      bytesSent: file.size,
      result: { size: file.size, filePath: expect.stringMatching(/^\/videos\/clip.*\.mp4$/) },
      data: { fileId: done.result?.fileId, bytes: file.size },
    });
    expect(done.error).toBeUndefined();
    expect(traffic.creations - before).toBe(1);
    // Bytes to our server first, then the forwarding leg, then the result.
    const uploading = seen.findIndex((view) => view.bytesSent > 0 && view.bytesSent < file.size);
    const forwarding = seen.findIndex(
      (view) => view.phase === "forwarding" && view.status === "processing",
    );
    expect(uploading).toBeGreaterThanOrEqual(0);
    expect(forwarding).toBeGreaterThan(uploading);
    expect(seen.findIndex((view) => view.status === "success")).toBeGreaterThan(forwarding);
    expect(traffic.results[0]).toBe(202);
    expect(traffic.results.at(-1)).toBe(200);

    const stored = (await imagekitFiles()).find((item) => item.fileId === done.result?.fileId);
    expect(stored).toMatchObject({ size: file.size });
    expect(await storedSha256(done.result?.url as string)).toBe(sha256(bytes));
    expect(await readdir(directory)).toEqual([]);
    uploader.destroy();
  });

  it("pauses mid-upload and resumes from the server's offset, on the same tus upload", async () => {
    const before = traffic.creations;
    const { file, bytes } = movie(3 * MiB);
    const urlStorage = createMemoryUrlStorage();
    const uploader = engine(urlStorage);
    const { until } = watch(uploader);
    traffic.patchDelayMs = 25;
    try {
      const [added] = await uploader.addFiles([file]);
      const id = added?.id as string;
      await until((view) => view.bytesSent >= 4 * CHUNK);
      uploader.pause(id);
      expect(first(uploader).status).toBe("paused");
      await new Promise((resolve) => setTimeout(resolve, 200));
      const patchesWhilePaused = traffic.patches;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(traffic.patches).toBe(patchesWhilePaused);

      // What the transport's HEAD reads on resume, readable by a browser's script too.
      const [kept] = await urlStorage.findAllUploads();
      const head = await fetch(kept?.uploadUrl as string, {
        method: "HEAD",
        headers: { "tus-resumable": "1.0.0" },
      });
      expect(head.status).toBe(200);
      expect(Number(head.headers.get("upload-offset"))).toBeGreaterThanOrEqual(4 * CHUNK);
      const exposed = head.headers.get("access-control-expose-headers")?.toLowerCase();
      for (const name of ["location", "upload-offset", "upkit-result"]) {
        expect(exposed).toContain(name);
      }

      uploader.resume(id);
      await until((view) => view.status === "success" || view.status === "error");
    } finally {
      traffic.patchDelayMs = 0;
    }

    const done = first(uploader);
    expect(done.error).toBeUndefined();
    expect(done).toMatchObject({ status: "success", result: { size: file.size } });
    expect(done.resumedFrom).toBeGreaterThanOrEqual(4 * CHUNK);
    expect(traffic.creations - before).toBe(1);
    expect(await storedSha256(done.result?.url as string)).toBe(sha256(bytes));
    expect(await readdir(directory)).toEqual([]);
    uploader.destroy();
  });

  it("fails HTML declared as video/mp4 with file-invalid-type, keeping nothing", async () => {
    const before = (await imagekitFiles()).length;
    const html = Buffer.from(`<!doctype html><html><body>${"<p>not a video</p>".repeat(40_000)}`);
    const file = new File([html], "trailer.mp4", { type: "video/mp4" });
    const uploader = engine();
    await uploader.addFiles([file]);
    await uploader.settled();

    expect(first(uploader)).toMatchObject({
      status: "error",
      error: { code: "file-invalid-type" },
    });
    expect((await imagekitFiles()).length).toBe(before);
    expect(await readdir(directory)).toEqual([]);
    uploader.destroy();
  });

  it("fails a file ImageKit refuses after every byte reached the server, with ImageKit's message", async () => {
    const before = (await imagekitFiles()).length;
    traffic.results = [];
    // Under the profile's 50 MB, over ImageKit's (the emulator's) video limit.
    const { file } = movie(EMULATOR_VIDEO_LIMIT + MiB, "long.mp4");
    const uploader = engine();
    const { seen } = watch(uploader);
    await uploader.addFiles([file]);
    await uploader.settled();

    const done = first(uploader);
    expect(done).toMatchObject({
      status: "error",
      bytesSent: file.size,
      error: { code: "upload-failed", message: expect.stringMatching(/file size exceeds limits/) },
    });
    expect(seen.some((view) => view.phase === "forwarding")).toBe(true);
    expect(traffic.results.at(-1)).toBe(400);
    expect((await imagekitFiles()).length).toBe(before);
    expect(await readdir(directory)).toEqual([]);
    uploader.destroy();
  });
});
