import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMemoryUrlStorage, createUploader, type UploadFile } from "@upkit/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createUploadHandler, defineProfile } from "../../src/index";
import { toNodeHandler } from "../../src/node";
import { mp4 } from "../imagekit/support";
import { startEmulator, type TestEmulator } from "../support/emulator";

/*
 * Uploads ImageKit queues (202: a video's pre-transformation) through every transport, against
 * the real handler over HTTP and a real emulator that sends its webhooks to that handler. The
 * emulator stores a queued video `asyncDelayMs` after its 202 and then sends
 * `upload.pre-transform.success`; `so-70` on a 5 s video fails after the 202 with
 * `upload.pre-transform.error`, and nothing is stored.
 */

const SECRET = "whsec_queued_test";
const VIDEO = new Blob([mp4(5)], { type: "video/mp4" });

let emulator: TestEmulator;
let directory: string;
let server: Server;
let base: string;
/** The handler the server runs; swapped by the tests that run without webhooks. */
let handle: ReturnType<typeof toNodeHandler>;
let completions: string[] = [];
const webhooks: string[] = [];

function makeHandler({ webhooks: withWebhooks }: { webhooks: boolean }) {
  const profile = (pre: string, rateLimit: { limit: number; windowMs: number } | false = false) =>
    defineProfile({
      transports: ["direct", "proxy", "tus"],
      restrictions: { accept: ["video/*"], maxFileSize: "10MB" },
      rateLimit,
      options: () => ({ folder: "/clips", transformation: { pre } }),
      onUploadComplete: ({ file }) => {
        completions.push(file.fileId);
        return { stored: file.filePath };
      },
    });
  return createUploadHandler({
    imagekit: emulator.imagekit,
    tus: { directory },
    ...(withWebhooks
      ? { webhook: { secret: SECRET, onWebhook: (event) => void webhooks.push(event.type) } }
      : {}),
    profiles: {
      clips: profile("so-2"),
      broken: profile("so-70"),
      limited: profile("so-2", { limit: 3, windowMs: 60_000 }),
    },
  });
}

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "upkit-queued-"));
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/upload`;
  emulator = await startEmulator({
    asyncDelayMs: 300,
    webhookUrl: `${base}/webhook`,
    webhookSecret: SECRET,
  });
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await emulator?.dispose();
  await rm(directory, { recursive: true, force: true });
});
beforeEach(() => {
  handle = toNodeHandler(makeHandler({ webhooks: true }));
  completions = [];
});

async function post(path: string, body: unknown) {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

/** Signs, then sends the video straight to ImageKit, as the browser does: ImageKit answers 202. */
async function directUpload(profile: string) {
  const signed = await post(`/${profile}/sign`, {
    files: [{ name: "clip.mp4", size: VIDEO.size, type: "video/mp4" }],
  });
  expect(signed.status).toBe(200);
  const { uploadUrl, fields, completionToken } = signed.body.files[0];
  const form = new FormData();
  for (const [name, value] of Object.entries(fields as Record<string, string>))
    form.append(name, value);
  form.append("file", VIDEO, "clip.mp4");
  const stored = await fetch(uploadUrl, { method: "POST", body: form });
  expect(stored.status).toBe(202);
  return { completionToken: completionToken as string, fileName: fields.fileName as string };
}

/** Asks `complete` about a queued upload until it stops answering 202. */
async function completeQueued(profile: string, completionToken: string) {
  const asks: number[] = [];
  for (;;) {
    const answer = await post(`/${profile}/complete`, { queued: true, completionToken });
    asks.push(answer.status);
    if (answer.status !== 202) return { ...answer, asks };
    expect(answer.body).toEqual({ state: "queued", completionToken });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function storedFiles(): Promise<{ fileId: string; name: string; filePath: string }[]> {
  return (await emulator.api("/v1/files?path=/clips")).body;
}

describe("a direct upload that ImageKit queues", () => {
  it("answers 'queued' until the webhook says the file is stored, then completes once", async () => {
    const { completionToken, fileName } = await directUpload("clips");
    const done = await completeQueued("clips", completionToken);

    // Not stored yet when the browser first asks: the emulator stores it `asyncDelayMs` later.
    expect(done.asks[0]).toBe(202);
    expect(done.status).toBe(200);
    expect(done.body.file.filePath).toBe(`/clips/${fileName}`);
    expect(done.body.data).toEqual({ stored: `/clips/${fileName}` });
    expect(webhooks).toContain("upload.pre-transform.success");
    expect(completions).toEqual([done.body.file.fileId]);
    expect((await storedFiles()).map((file) => file.fileId)).toContain(done.body.file.fileId);

    // Asked again (a retried request): the same answer, and `onUploadComplete` does not run twice.
    const again = await post("/clips/complete", { queued: true, completionToken });
    expect(again).toEqual({ status: 200, body: done.body });
    expect(completions).toHaveLength(1);
  });

  it("fails with ImageKit's reason when the pre-transformation fails", async () => {
    const { completionToken } = await directUpload("broken");
    const done = await completeQueued("broken", completionToken);

    expect(done.status).toBe(400);
    expect(done.body.error.code).toBe("upload-failed");
    expect(done.body.error.message).toMatch(/pre-transformation \(encoding_failed\)/);
    expect(completions).toEqual([]);
  });

  it("finds the file through the file API when no webhooks are configured", async () => {
    handle = toNodeHandler(makeHandler({ webhooks: false }));
    const { completionToken, fileName } = await directUpload("clips");
    const done = await completeQueued("clips", completionToken);

    expect(done.status).toBe(200);
    expect(done.body.file.name).toBe(fileName);
    expect(completions).toEqual([done.body.file.fileId]);
  });

  it("counts a queued upload's asks as part of the upload, not against the rate limit", async () => {
    // Limit 3: the sign is one. ImageKit stores the video only after a few asks.
    const { completionToken } = await directUpload("limited");
    const asks: number[] = [];
    for (let ask = 0; ask < 4; ask++) {
      asks.push((await post("/limited/complete", { queued: true, completionToken })).status);
    }
    const done = await completeQueued("limited", completionToken);
    expect([...asks, ...done.asks]).not.toContain(429);
    expect(done.status).toBe(200);

    // A forged token still counts: guessing costs the guesser.
    const forged = [];
    for (let guess = 0; guess < 3; guess++) {
      forged.push(
        (await post("/limited/complete", { queued: true, completionToken: "x.y.z" })).status,
      );
    }
    expect(forged).toEqual([400, 400, 429]);
  });

  it("refuses a body with both a fileId and queued, or neither", async () => {
    const { completionToken } = await directUpload("clips");
    for (const body of [{ queued: true, fileId: "abc", completionToken }, { completionToken }]) {
      const answer = await post("/clips/complete", body);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe("bad-request");
    }
  });
});

describe("a proxy upload that ImageKit queues", () => {
  it("answers 202 with a completion token, and completes once the file is stored", async () => {
    const form = new FormData();
    form.append("size", String(VIDEO.size));
    form.append("file", VIDEO, "clip.mp4");
    const response = await fetch(`${base}/clips/proxy`, { method: "POST", body: form });
    expect(response.status).toBe(202);
    const queued = (await response.json()) as { state: string; completionToken: string };
    expect(queued.state).toBe("queued");

    const done = await completeQueued("clips", queued.completionToken);
    expect(done.status).toBe(200);
    // The kit named the file, so that it could be found: `clip_<id>.mp4`.
    expect(done.body.file.filePath).toMatch(/^\/clips\/clip_[A-Za-z0-9]{9}\.mp4$/);
    expect(completions).toEqual([done.body.file.fileId]);
  });
});

describe("a tus upload that ImageKit queues, through the browser engine", () => {
  it("goes from forwarding to queued to success, and stores the video once", async () => {
    const before = (await storedFiles()).length;
    const uploader = createUploader({
      profile: "clips",
      endpoint: base,
      transport: "tus",
      retries: 0,
      fetch: (input, init) => fetch(input, init),
      tus: { urlStorage: createMemoryUrlStorage() },
    });
    const phases: string[] = [];
    uploader.subscribe(() => {
      const phase = uploader.getSnapshot().files[0]?.phase;
      if (phase && phases.at(-1) !== phase) phases.push(phase);
    });
    await uploader.addFiles([new File([VIDEO], "clip.mp4", { type: "video/mp4" })]);
    await uploader.settled();
    const file = uploader.getSnapshot().files[0] as UploadFile;

    expect(file.error).toBeUndefined();
    expect(file.status).toBe("success");
    expect(phases).toContain("queued");
    expect(file.result?.filePath).toMatch(/^\/clips\/clip_[A-Za-z0-9]{9}\.mp4$/);
    expect(file.data).toEqual({ stored: file.result?.filePath });
    expect(completions).toEqual([file.result?.fileId]);
    expect((await storedFiles()).length).toBe(before + 1);
    uploader.destroy();
  });
});
