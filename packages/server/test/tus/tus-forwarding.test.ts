import { completeResponseSchema, forwardingStateSchema } from "@upkit/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PNG_1X1 } from "../support/emulator";
import { randomFile, sha256, startTusKit, type TusKit, tusUpload, waitForResult } from "./tus-kit";

let kit: TusKit;
// ImageKit's own size limit below the profile's: a file between them is refused by ImageKit.
beforeAll(async () => {
  kit = await startTusKit({}, { maxFileSize: 5 * 1024 * 1024 });
});
afterAll(() => kit.close());

async function storedBytes(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

it("forwards a multi-chunk upload to ImageKit byte for byte, and answers the result route", async () => {
  const data = randomFile(3 * 1024 * 1024 + 123);
  const resultHeaders: (string | undefined)[] = [];
  const { url } = await tusUpload(`${kit.base}/files/tus`, data, {
    metadata: { filename: "data.bin", filetype: "application/octet-stream" },
    onAfterResponse: (_request, response) => {
      resultHeaders.push(response.getHeader("Upkit-Result"));
    },
  });
  expect(resultHeaders.at(-1)).toBe("pending");
  expect(resultHeaders.filter(Boolean)).toHaveLength(1);

  const result = await waitForResult(url);
  expect(result.status).toBe(200);
  expect(result.body.data).toEqual({ size: data.length });
  expect(result.body.file.filePath).toBe("/files/data.bin");
  expect(sha256(await storedBytes(result.body.file.url))).toBe(sha256(data));
  expect(await kit.storedFiles()).toEqual([]);
  // The result stays for its owner only.
  const other = await fetch(`${url}/result`, { headers: { "x-user": "bob" } });
  expect(other.status).toBe(404);
});

it("runs the profile's options and onUploadComplete with the user, input and sniffed type", async () => {
  const { url } = await tusUpload(`${kit.base}/images/tus`, PNG_1X1, {
    // Declared as a JPEG: the bytes say PNG, and the stored name follows them.
    metadata: {
      filename: "pixel.jpg",
      filetype: "image/jpeg",
      input: JSON.stringify({ album: "trips" }),
    },
  });
  const result = await waitForResult(url);
  expect(result.status).toBe(200);
  expect(result.body.file.filePath).toMatch(/^\/ada\/trips\/pixel.*\.png$/);
  expect(result.body.data).toEqual({ by: "ada", album: "trips", id: result.body.file.fileId });
  expect(sha256(await storedBytes(result.body.file.url))).toBe(sha256(PNG_1X1));
});

it("retries transient ImageKit failures (5xx, 429) from the stored bytes, storing the file once", async () => {
  const before = await kit.imagekitFiles();
  for (const status of [503, 429]) {
    await fetch(`${kit.emulator.url}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        method: "POST",
        path: "/api/v1/files/upload",
        times: 1,
        fault: { status },
      }),
    });
  }
  const data = randomFile(600 * 1024);
  const { url } = await tusUpload(`${kit.base}/files/tus`, data, {
    metadata: { filename: "retried.bin", filetype: "application/octet-stream" },
  });
  const result = await waitForResult(url);
  expect(result.status).toBe(200);
  expect(sha256(await storedBytes(result.body.file.url))).toBe(sha256(data));
  expect(await kit.imagekitFiles()).toBe(before + 1);
  expect((await (await fetch(`${kit.emulator.url}/_emulator/faults`)).json()).length ?? 0).toBe(0);
});

it("records ImageKit's permanent refusal as the result, and leaves nothing stored", async () => {
  const before = await kit.imagekitFiles();
  const { url } = await tusUpload(`${kit.base}/files/tus`, randomFile(6 * 1024 * 1024), {
    chunkSize: 2 * 1024 * 1024,
    metadata: { filename: "big.bin", filetype: "application/octet-stream" },
  });
  const result = await waitForResult(url);
  expect(result.status).toBe(400);
  expect(result.body.error.code).toBe("upload-failed");
  expect(result.body.error.message).toMatch(/file size exceeds limits/);
  expect(await kit.storedFiles()).toEqual([]);
  expect(await kit.imagekitFiles()).toBe(before);
});

it("answers 202 with the forwarding state while ImageKit is slow, then the CompleteResponse", async () => {
  await fetch(`${kit.emulator.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "/api/v1/files/upload", times: 1, fault: { latencyMs: 400 } }),
  });
  const data = randomFile(100_000);
  const { url } = await tusUpload(`${kit.base}/files/tus`, data, {
    metadata: { filename: "slow.bin", filetype: "application/octet-stream" },
  });
  const pending = await fetch(`${url}/result`, { headers: { "x-user": "ada" } });
  expect(pending.status).toBe(202);
  const state = forwardingStateSchema.parse(await pending.json());
  expect(state).toMatchObject({ state: "forwarding", size: data.length });
  const result = await waitForResult(url);
  expect(result.status).toBe(200);
  expect(completeResponseSchema.safeParse(result.body).success).toBe(true);
});
