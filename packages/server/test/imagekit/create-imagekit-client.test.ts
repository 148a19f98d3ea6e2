import { createServer } from "node:net";
import { inspect } from "node:util";
import { UploadError } from "@upkit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImageKitClient } from "../../src/imagekit/create-imagekit-client";
import {
  countingFetch,
  expectUploadError,
  PRIVATE_KEY,
  png,
  provoked,
  startEmulator,
  streamOf,
  type TestEmulator,
} from "./support";

const MB = 1024 * 1024;
const image = png(8, 6);
/** Fast retries: the behaviour under test is which failures are retried, not how long it waits. */
const fast = { baseDelayMs: 5, maxDelayMs: 50 };

let emulator: TestEmulator;
let folderCount = 0;
/** A folder of its own per test, so listings see only what the test stored. */
const newFolder = () => `/client-tests/t${++folderCount}`;

beforeAll(async () => {
  emulator = await startEmulator({
    maxFileSize: 64 * MB,
    // Gives injected 429s a short `X-RateLimit-Reset` (200 ms); far above what the tests send.
    rateLimit: { limit: 100_000, intervalMs: 200 },
  });
});
afterAll(() => emulator.dispose());

describe("against the emulator", () => {
  it("uploads a Blob and returns the parsed upload response", async () => {
    const client = createImageKitClient(emulator.config);
    const folder = newFolder();
    const result = await client.upload(
      { fileName: "pixel.png", folder, tags: "red,small", responseFields: "tags" },
      { body: new Blob([image], { type: "image/png" }), fileName: "pixel.png" },
    );
    expect(result).toMatchObject({
      fileType: "image",
      width: 8,
      height: 6,
      size: image.length,
      tags: ["red", "small"],
    });
    expect(result.filePath).toMatch(new RegExp(`^${folder}/pixel_[\\w-]{9}\\.png$`));
  });

  it("uploads a ReadableStream, then reads its details", async () => {
    const client = createImageKitClient(emulator.config);
    const result = await client.upload(
      { fileName: "streamed.png", folder: newFolder() },
      { body: streamOf(image, 7), fileName: "streamed.png", contentType: "image/png" },
    );
    expect(result.size).toBe(image.length);
    const details = await client.getFileDetails(result.fileId);
    expect(details).toMatchObject({
      fileId: result.fileId,
      filePath: result.filePath,
      mime: "image/png",
      width: 8,
      height: 6,
    });
  });

  it("lists files by path and by tags, then deletes one (404 afterwards)", async () => {
    const client = createImageKitClient(emulator.config);
    const folder = newFolder();
    const tag = `tag-${folder.replaceAll("/", "-")}`;
    const upload = (fileName: string, tags: string) =>
      client.upload(
        { fileName, folder, tags },
        { body: new Blob([image]), fileName, contentType: "image/png" },
      );
    const a = await upload("a.png", tag);
    const b = await upload("b.png", "other");

    const byPath = await client.listFiles({ path: folder, sort: "ASC_NAME" });
    expect(byPath.map((file) => file.fileId)).toEqual([a.fileId, b.fileId]);
    const byTags = await client.listFiles({ tags: [tag, "no-such-tag"] });
    expect(byTags.map((file) => file.fileId)).toEqual([a.fileId]);
    const limited = await client.listFiles({ path: folder, sort: "ASC_NAME", skip: 1, limit: 1 });
    expect(limited.map((file) => file.fileId)).toEqual([b.fileId]);

    await client.deleteFile(a.fileId);
    const error = await expectUploadError(client.getFileDetails(a.fileId), "not-found");
    expect(error.message).toBe("The requested file does not exist.");
    expect(error.status).toBe(404);
    expect(error.data).toMatchObject({ status: 404, imagekit: { message: error.message } });
    await expectUploadError(client.deleteFile(a.fileId), "not-found");
    expect((await client.listFiles({ path: folder })).map((file) => file.fileId)).toEqual([
      b.fileId,
    ]);
  });

  it("passes ImageKit's 400 message on and does not retry it", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, { ...fast, fetch: counting.fetch });
    const error = await expectUploadError(
      client.upload(
        { fileName: "bad.png", tags: "100%" },
        { body: new Blob([image]), fileName: "bad.png" },
      ),
      "upload-failed",
    );
    expect(error.message).toBe("Your request contains invalid tags parameter.");
    expect(error.data).toMatchObject({ status: 400, imagekit: { message: error.message } });
    expect(counting.attempts).toHaveLength(1);

    const listError = await expectUploadError(
      client.listFiles({ fileType: "videos" as "image" }),
      "bad-request",
    );
    expect(listError.message).toBe("Your request contains invalid fileType parameter.");
    expect(counting.attempts).toHaveLength(2);
  });

  it("maps a wrong private key to forbidden (upload: upload-failed), without retrying", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(
      { ...emulator.config, privateKey: `${PRIVATE_KEY}-wrong` },
      { ...fast, fetch: counting.fetch },
    );
    const error = await expectUploadError(client.listFiles(), "forbidden");
    expect(error.message).toBe("Your account cannot be authenticated.");
    const upload = await expectUploadError(
      client.upload({ fileName: "x.png" }, { body: new Blob([image]), fileName: "x.png" }),
      "upload-failed",
    );
    expect(upload.data).toMatchObject({ status: 403 });
    expect(counting.attempts).toHaveLength(2);
  });

  it("rejects an empty fileId before any request", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, { fetch: counting.fetch });
    await expectUploadError(client.getFileDetails(""), "bad-request");
    expect(counting.attempts).toHaveLength(0);
  });
});

describe("retries", () => {
  it("retries 503s and then succeeds", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, { ...fast, fetch: counting.fetch });
    await emulator.fault({ path: "/v1/files", times: 2, fault: { status: 503 } });
    await expect(client.listFiles({ path: newFolder() })).resolves.toEqual([]);
    expect(counting.attempts.map((attempt) => attempt.status)).toEqual([503, 503, 200]);
  });

  it("gives up after maxRetries with upstream-error", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, {
      ...fast,
      maxRetries: 2,
      fetch: counting.fetch,
    });
    await emulator.fault({ path: "/v1/files", times: 3, fault: { status: 502 } });
    const error = await expectUploadError(client.listFiles(), "upstream-error");
    expect(error.data).toMatchObject({ status: 502, imagekit: { message: "Bad gateway." } });
    expect(error.retryable).toBe(true);
    expect(counting.attempts).toHaveLength(3);
  });

  it("retries a Blob upload (replayable) but never a stream upload", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, { ...fast, fetch: counting.fetch });
    const folder = newFolder();
    await emulator.fault({ path: "/api/v1/files/upload", times: 1, fault: { status: 500 } });
    const result = await client.upload(
      { fileName: "retried.png", folder },
      { body: new Blob([image]), fileName: "retried.png" },
    );
    expect(result.size).toBe(image.length);
    expect(counting.attempts.map((attempt) => attempt.status)).toEqual([500, 200]);

    await emulator.fault({ path: "/api/v1/files/upload", times: 1, fault: { status: 500 } });
    await expectUploadError(
      client.upload(
        { fileName: "once.png", folder },
        { body: streamOf(image), fileName: "once.png" },
      ),
      "upstream-error",
    );
    expect(counting.attempts).toHaveLength(3);
    expect(await client.listFiles({ path: folder })).toHaveLength(1);
  });

  it("waits X-RateLimit-Reset (ms) after a 429", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, {
      baseDelayMs: 5,
      maxDelayMs: 2000,
      fetch: counting.fetch,
    });
    await emulator.fault({ path: "/v1/files", times: 1, fault: { status: 429 } });
    await client.listFiles({ path: newFolder() });
    const [limited, retry] = counting.attempts;
    expect(limited?.status).toBe(429);
    const advised = Number(limited?.headers?.get("x-ratelimit-reset"));
    expect(advised).toBe(200);
    const waited = (retry?.startedAt ?? 0) - (limited?.endedAt ?? 0);
    expect(waited).toBeGreaterThanOrEqual(advised - 2);
    expect(waited).toBeLessThan(advised + 150);
  });

  it("waits Retry-After (s) when it is the only hint, capped at maxDelayMs", async () => {
    // The emulator's real 429, minus its X-RateLimit-Reset, as a generic proxy would answer.
    const withoutReset = (response: Response) => {
      const headers = new Headers(response.headers);
      headers.delete("x-ratelimit-reset");
      return new Response(response.body, { status: response.status, headers });
    };
    const counting = countingFetch(withoutReset);
    const client = createImageKitClient(emulator.config, {
      baseDelayMs: 5,
      maxDelayMs: 5000,
      fetch: counting.fetch,
    });
    await emulator.fault({ path: "/v1/files", times: 1, fault: { status: 429 } });
    await client.listFiles({ path: newFolder() });
    const [limited, retry] = counting.attempts;
    expect(limited?.headers?.get("retry-after")).toBe("1");
    const waited = (retry?.startedAt ?? 0) - (limited?.endedAt ?? 0);
    expect(waited).toBeGreaterThanOrEqual(998);
    expect(waited).toBeLessThan(1150);

    const capped = countingFetch(withoutReset);
    const cappedClient = createImageKitClient(emulator.config, {
      baseDelayMs: 5,
      maxDelayMs: 30,
      fetch: capped.fetch,
    });
    await emulator.fault({ path: "/v1/files", times: 1, fault: { status: 429 } });
    await cappedClient.listFiles({ path: newFolder() });
    const cappedWait = (capped.attempts[1]?.startedAt ?? 0) - (capped.attempts[0]?.endedAt ?? 0);
    expect(cappedWait).toBeLessThan(150);
  });

  it("ends with rate-limited and retryAfter when the 429s outlast the retries", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, {
      ...fast,
      maxRetries: 1,
      fetch: counting.fetch,
    });
    await emulator.fault({ path: "/v1/files", times: 2, fault: { status: 429 } });
    const error = await expectUploadError(client.listFiles(), "rate-limited");
    expect(error.retryAfter).toBe(1);
    expect(error.status).toBe(429);
    expect(counting.attempts).toHaveLength(2);
  });

  it("times out a stalled response (upstream-timeout), and a retry then succeeds", async () => {
    const noRetry = createImageKitClient(emulator.config, {
      ...fast,
      maxRetries: 0,
      timeoutMs: 150,
    });
    await emulator.fault({ path: "/v1/files", times: 1, fault: { stall: true } });
    const started = performance.now();
    await expectUploadError(noRetry.listFiles(), "upstream-timeout");
    expect(performance.now() - started).toBeLessThan(1000);

    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, {
      ...fast,
      timeoutMs: 150,
      fetch: counting.fetch,
    });
    await emulator.fault({ path: "/v1/files", times: 1, fault: { stall: true } });
    await expect(client.listFiles({ path: newFolder() })).resolves.toEqual([]);
    expect(counting.attempts).toHaveLength(2);
  });

  it("retries network errors, then reports upstream-error with the cause", async () => {
    const port = await closedPort();
    const counting = countingFetch();
    const client = createImageKitClient(
      { ...emulator.config, apiEndpoint: `http://127.0.0.1:${port}` },
      { ...fast, maxRetries: 2, fetch: counting.fetch },
    );
    const error = await expectUploadError(client.listFiles(), "upstream-error");
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(counting.attempts).toHaveLength(3);
  });
});

describe("aborts and broken uploads", () => {
  it("stops a stream upload at once when the caller aborts, and cancels the stream", async () => {
    const client = createImageKitClient(emulator.config);
    let cancelled = false;
    // A slow source: the upload is still running when the caller gives up.
    const source = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        controller.enqueue(new Uint8Array(16 * 1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const upload = client.upload(
      { fileName: "slow.bin" },
      { body: source, fileName: "slow.bin" },
      { signal: controller.signal },
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const abortedAt = performance.now();
    controller.abort();
    await expectUploadError(upload, "aborted");
    expect(performance.now() - abortedAt).toBeLessThan(100);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cancelled).toBe(true);
  });

  it("stops during a backoff wait when the caller aborts", async () => {
    // Its own emulator, whose 429s ask for a 5 s wait.
    const slow = await startEmulator({ rateLimit: { limit: 100_000, intervalMs: 5000 } });
    try {
      const counting = countingFetch();
      const client = createImageKitClient(slow.config, {
        maxDelayMs: 10_000,
        fetch: counting.fetch,
      });
      await slow.fault({ path: "/v1/files", times: 1, fault: { status: 429 } });
      const controller = new AbortController();
      const listing = client.listFiles({}, { signal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const abortedAt = performance.now();
      controller.abort();
      await expectUploadError(listing, "aborted");
      expect(performance.now() - abortedAt).toBeLessThan(50);
      expect(counting.attempts).toHaveLength(1);
    } finally {
      await slow.dispose();
    }
  });

  it("rejects at once with aborted when the signal is already aborted", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, { fetch: counting.fetch });
    await expectUploadError(client.listFiles({}, { signal: AbortSignal.abort() }), "aborted");
    expect(counting.attempts).toHaveLength(0);
  });

  it("fails a stream upload reset mid-body, leaving nothing stored", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, { ...fast, fetch: counting.fetch });
    const folder = newFolder();
    await emulator.fault({
      path: "/api/v1/files/upload",
      times: 1,
      fault: { resetAfterBytes: 64 * 1024 },
    });
    const error = await expectUploadError(
      client.upload(
        { fileName: "reset.bin", folder },
        { body: streamOf(new Uint8Array(2 * MB).fill(7), 16 * 1024), fileName: "reset.bin" },
      ),
      "upstream-error",
    );
    expect(error.message).toMatch(/ImageKit could not be reached/);
    expect(counting.attempts).toHaveLength(1);
    expect(await client.listFiles({ path: folder })).toEqual([]);
  });

  it("retries a Blob upload reset mid-body and stores it exactly once", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, { ...fast, fetch: counting.fetch });
    const folder = newFolder();
    await emulator.fault({
      path: "/api/v1/files/upload",
      times: 1,
      fault: { resetAfterBytes: 64 * 1024 },
    });
    const bytes = new Uint8Array(2 * MB).fill(9);
    const result = await client.upload(
      { fileName: "reset.bin", folder },
      { body: new Blob([bytes]), fileName: "reset.bin" },
    );
    expect(result.size).toBe(bytes.length);
    expect(counting.attempts).toHaveLength(2);
    expect(await client.listFiles({ path: folder })).toHaveLength(1);
  });

  it("reports a failing source stream as upload-failed, not retried", async () => {
    const counting = countingFetch();
    const client = createImageKitClient(emulator.config, { ...fast, fetch: counting.fetch });
    let sent = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 3) throw new Error("the browser went away");
        sent += 1;
        controller.enqueue(new Uint8Array(1024));
      },
    });
    const error = await expectUploadError(
      client.upload({ fileName: "broken.bin" }, { body: source, fileName: "broken.bin" }),
      "upload-failed",
    );
    expect(error.message).toMatch(/the browser went away/);
    expect(counting.attempts).toHaveLength(1);

    // The caller's own UploadError (how the proxy rejects a file mid-stream) comes back as is.
    const folder = newFolder();
    const rejection = new UploadError("file-too-large", "The file is larger than 1 kB");
    const rejected = await client
      .upload(
        { fileName: "big.bin", folder },
        {
          body: new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new Uint8Array(1024));
              controller.error(rejection);
            },
          }),
          fileName: "big.bin",
        },
      )
      .catch((caught: unknown) => caught);
    provoked.push(rejected);
    expect(rejected).toBe(rejection);
    expect(counting.attempts).toHaveLength(2);
    expect(await client.listFiles({ path: folder })).toEqual([]);
  });

  it("does not take a queued video pre-transformation (202) for a finished upload", async () => {
    const client = createImageKitClient(emulator.config);
    // An MP4 as far as type detection goes: an `ftyp` box, then filler.
    const ftyp = Buffer.from("000000186674797069736f6d0000020069736f6d69736f32", "hex");
    const video = Buffer.concat([ftyp, Buffer.alloc(4096)]);
    const error = await expectUploadError(
      client.upload(
        { fileName: "clip.mp4", transformation: JSON.stringify({ pre: "w-100" }) },
        { body: new Blob([video]), fileName: "clip.mp4", contentType: "video/mp4" },
      ),
      "upload-failed",
    );
    expect(error.message).toBe("The pre-transformation has been queued successfully.");
    expect(error.data).toMatchObject({ status: 202 });
    expect(error.retryable).toBe(false);
  });
});

it("streams a 50 MB upload, reading the source only as fast as ImageKit takes it", async () => {
  const client = createImageKitClient(emulator.config);
  const size = 50 * MB;
  const chunk = 256 * 1024;
  let produced = 0;
  // Generated chunk by chunk, only when the upload asks for more: never one 50 MB buffer.
  const source = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (produced >= size) {
          controller.close();
          return;
        }
        const next = new Uint8Array(Math.min(chunk, size - produced)).fill(produced % 251);
        produced += next.length;
        controller.enqueue(next);
      },
    },
    { highWaterMark: 0 },
  );
  // The emulator waits before reading the body: a client that buffered would read all 50 MB
  // meanwhile; a streaming one stops once the socket's buffers are full.
  await emulator.fault({ path: "/api/v1/files/upload", times: 1, fault: { latencyMs: 400 } });
  const upload = client.upload(
    { fileName: "big.bin", folder: newFolder() },
    { body: source, fileName: "big.bin" },
  );
  await new Promise((resolve) => setTimeout(resolve, 300));
  const producedWhileStalled = produced;
  const result = await upload;
  expect(producedWhileStalled).toBeLessThan(20 * MB);
  expect(result.size).toBe(size);
  expect(result.fileType).toBe("non-image");
}, 60_000);

it("strips the key from errors that carry the request or echo it", async () => {
  // Some fetch implementations attach the request (headers included) to their errors.
  const leaky: typeof fetch = async (_input, init) => {
    const headers = JSON.stringify(init?.headers);
    throw Object.assign(new TypeError("fetch failed"), {
      request: init,
      cause: Object.assign(new Error(`connect ECONNRESET, sent ${headers}`), {
        code: "ECONNRESET",
        headers: init?.headers,
      }),
    });
  };
  const client = createImageKitClient(emulator.config, { ...fast, maxRetries: 0, fetch: leaky });
  const error = await expectUploadError(client.listFiles(), "upstream-error");
  expect(error.message).toMatch(/ECONNRESET/);
  expect((error.cause as { cause?: { code?: string } }).cause?.code).toBe("ECONNRESET");

  // A server that echoes the key in its answer (ImageKit does not; a misconfigured proxy might).
  const echo = countingFetch(
    (response) =>
      new Response(JSON.stringify({ message: `Bad key ${PRIVATE_KEY}`, key: PRIVATE_KEY }), {
        status: 400,
        headers: response.headers,
      }),
  );
  const echoing = createImageKitClient(emulator.config, { fetch: echo.fetch });
  const echoed = await expectUploadError(echoing.listFiles(), "bad-request");
  expect(echoed.message).toBe("Bad key [redacted]");
});

it("never lets the private key into an error, its cause, its data or the client", () => {
  expect(provoked.length).toBeGreaterThanOrEqual(15);
  const credentials = Buffer.from(`${PRIVATE_KEY}:`).toString("base64");
  const wrong = Buffer.from(`${PRIVATE_KEY}-wrong:`).toString("base64");
  for (const error of provoked) {
    const dumps = [
      String(error),
      JSON.stringify(error),
      inspect(error, { depth: 20, showHidden: true }),
      JSON.stringify((error as { data?: unknown }).data ?? null),
    ];
    for (const dump of dumps) {
      expect(dump).not.toContain("te/st+k=y");
      expect(dump).not.toContain(credentials);
      expect(dump).not.toContain(wrong);
      expect(dump).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
    }
  }
  const client = createImageKitClient(emulator.config);
  expect(JSON.stringify(client)).toBe("{}");
  expect(inspect(client, { depth: 20, showHidden: true })).not.toContain("te/st+k=y");
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

it("does not cut off a slow upload that keeps moving: the timeout is for silence, not the total", async () => {
  const client = createImageKitClient(emulator.config, { timeoutMs: 300, maxRetries: 0 });
  const head = new TextEncoder().encode("%PDF-1.4\n");
  let sent = 0;
  // 8 chunks, 100 ms apart: 800 ms in all, more than twice the timeout, never 300 ms silent.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === 8) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
      controller.enqueue(sent === 0 ? head : new Uint8Array(1024).fill(32));
      sent++;
    },
  });
  const result = await client.upload({ fileName: "slow.bin" }, { body, fileName: "slow.bin" });
  expect(result.size).toBe(head.length + 7 * 1024);
});
