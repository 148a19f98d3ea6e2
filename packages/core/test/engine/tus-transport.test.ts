// @vitest-environment node

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import { createMemoryUrlStorage } from "../../src/engine/memory-url-storage";
import type { Uploader, UploaderOptions, UploadFile } from "../../src/engine/uploader-types";
import { startTusTestServer, TUS_PROFILE, type TusTestServer } from "./tus-test-server";

const KiB = 1024;
const CHUNK = 64 * KiB;

const bytes = (size: number) => Uint8Array.from({ length: size }, (_, i) => i % 251);
const movie = (size = 16 * CHUNK) =>
  new File([bytes(size)], "movie.mp4", { type: "video/mp4", lastModified: 1_700_000_000_000 });

let server: TusTestServer;
beforeEach(async () => {
  server = await startTusTestServer();
});
afterEach(() => server.close());

function engine(options: Partial<UploaderOptions> = {}): Uploader {
  return createUploader({
    profile: TUS_PROFILE,
    endpoint: server.endpoint,
    transport: "tus",
    retries: 0,
    ...options,
    tus: { chunkSize: CHUNK, retryDelays: [0, 50], ...options.tus },
  });
}

/** Every view of the file the engine published, and a way to wait for one. */
function watch(uploader: Uploader) {
  const seen: UploadFile[] = [];
  uploader.subscribe(() => {
    const file = uploader.getSnapshot().files[0];
    if (file) seen.push(file);
  });
  const until = (check: (file: UploadFile) => boolean) =>
    new Promise<UploadFile>((resolve) => {
      const stop = uploader.subscribe(() => {
        const file = uploader.getSnapshot().files[0];
        if (file && check(file)) {
          stop();
          resolve(file);
        }
      });
    });
  return { seen, until };
}

const first = (uploader: Uploader) => uploader.getSnapshot().files[0];

describe("tus transport", () => {
  it("uploads in chunks, forwards, and succeeds with the result route's file", async () => {
    const uploader = engine({ input: { album: "trip" } });
    const { seen } = watch(uploader);
    const file = movie();
    await uploader.addFiles([file]);
    await uploader.settled();

    expect(first(uploader)).toMatchObject({
      status: "success",
      transport: "tus",
      result: { fileId: expect.stringMatching(/^ik-/), name: "movie.mp4", size: file.size },
      data: { offset: file.size, input: JSON.stringify({ album: "trip" }) },
    });
    expect(server.stats).toMatchObject({ creations: 1, received: file.size });
    expect(seen.some((view) => view.phase === "uploading" && view.status === "uploading")).toBe(
      true,
    );
    const forwarding = seen.find((view) => view.forwardedBytes === file.size / 2);
    expect(forwarding).toMatchObject({ status: "processing", phase: "forwarding", progress: 1 });
    expect(seen.findIndex((view) => view.phase === "forwarding")).toBeGreaterThan(
      seen.findIndex((view) => view.bytesSent > 0 && view.bytesSent < file.size),
    );
  });

  it("pauses without losing the bytes, and resumes from the server's offset", async () => {
    server.patchDelayMs = 20;
    const uploader = engine();
    const { until } = watch(uploader);
    const file = movie();
    const [added] = await uploader.addFiles([file]);
    const id = added?.id ?? "";
    await until((view) => view.bytesSent >= 4 * CHUNK);
    uploader.pause(id);
    expect(first(uploader)?.status).toBe("paused");

    await new Promise((resolve) => setTimeout(resolve, 150));
    const receivedWhilePaused = server.stats.received;
    expect(receivedWhilePaused).toBeLessThan(file.size);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(server.stats.received).toBe(receivedWhilePaused);

    uploader.resume(id);
    await until((view) => view.status === "success");
    expect(server.stats.creations).toBe(1);
    // The chunk cut short by the pause is the only one sent again.
    expect(server.stats.received).toBeLessThanOrEqual(file.size + CHUNK);
    expect(first(uploader)?.resumedFrom).toBeGreaterThan(0);
  });

  it("fails a file the server refuses at creation with the route's code, without retrying", async () => {
    server.refuseCreation(415, {
      error: { code: "file-invalid-type", message: "Videos only" },
    });
    const uploader = engine({ retries: 3 });
    await uploader.addFiles([movie()]);
    await uploader.settled();

    expect(first(uploader)).toMatchObject({
      status: "error",
      attempts: 1,
      error: { code: "file-invalid-type", message: "Videos only" },
    });
    expect(server.stats.creations).toBe(1);
  });

  it("fails the file when the result route says so, though all the bytes arrived", async () => {
    server.failResult(400, {
      error: { code: "upload-failed", message: "ImageKit refused the file" },
    });
    const uploader = engine();
    const file = movie(4 * CHUNK);
    await uploader.addFiles([file]);
    await uploader.settled();

    expect(server.stats.received).toBe(file.size);
    expect(server.stats.resultCalls).toBeGreaterThan(0);
    expect(first(uploader)).toMatchObject({
      status: "error",
      error: { code: "upload-failed", message: "ImageKit refused the file" },
    });
  });

  it("after a reload, the same file added again goes on from the server's offset", async () => {
    server.patchDelayMs = 20;
    const urlStorage = createMemoryUrlStorage();
    const before = engine({ tus: { urlStorage } });
    const { until } = watch(before);
    await before.addFiles([movie()]);
    await until((view) => view.bytesSent >= 4 * CHUNK);
    // A reload: the page's engine is gone, what the storage kept stays.
    before.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const receivedBefore = server.stats.received;
    expect(urlStorage.size()).toBe(1);

    server.patchDelayMs = 0;
    const after = engine({ tus: { urlStorage } });
    const file = movie();
    await after.addFiles([file]);
    await after.settled();

    expect(first(after)).toMatchObject({ status: "success", result: { size: file.size } });
    expect(first(after)?.resumedFrom).toBeGreaterThanOrEqual(receivedBefore - CHUNK);
    expect(server.stats.creations).toBe(1);
    expect(server.stats.received).toBeLessThanOrEqual(file.size + CHUNK);
    // Done: the fingerprint is forgotten, so a later upload of the file starts afresh.
    expect(urlStorage.size()).toBe(0);
  });

  it("after a reload while the server forwards, the same file asks the result, sending nothing", async () => {
    server.forwardingAnswers = Number.POSITIVE_INFINITY;
    const urlStorage = createMemoryUrlStorage();
    const before = engine({ tus: { urlStorage } });
    const { until } = watch(before);
    const file = movie();
    void before.addFiles([file]);
    await until((view) => view.phase === "forwarding");
    before.destroy();
    // The upload is kept until its result is final.
    expect(urlStorage.size()).toBe(1);

    server.forwardingAnswers = 0;
    const after = engine({ tus: { urlStorage } });
    await after.addFiles([movie()]);
    await after.settled();
    expect(first(after)).toMatchObject({ status: "success", result: { size: file.size } });
    expect(server.stats.creations).toBe(1);
    expect(server.stats.received).toBe(file.size);
    expect(urlStorage.size()).toBe(0);
  });

  it("forgets the upload when the server's answer is a final refusal", async () => {
    server.failResult(415, { error: { code: "file-invalid-type", message: "Not a video" } });
    const urlStorage = createMemoryUrlStorage();
    const uploader = engine({ tus: { urlStorage } });
    await uploader.addFiles([movie()]);
    await uploader.settled();
    expect(first(uploader)).toMatchObject({
      status: "error",
      error: { code: "file-invalid-type" },
    });
    expect(urlStorage.size()).toBe(0);
  });
});
