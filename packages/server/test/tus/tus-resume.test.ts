import { Upload } from "tus-js-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { randomFile, sha256, startTusKit, type TusKit, tusUpload, waitForResult } from "./tus-kit";

let kit: TusKit;
beforeAll(async () => {
  kit = await startTusKit();
});
afterAll(() => kit.close());

it("resumes an aborted upload from its URL with a new client, ending byte-identical", async () => {
  const data = randomFile(2 * 1024 * 1024 + 7);
  const metadata = { filename: "resumed.bin", filetype: "application/octet-stream" };
  const uploadUrl = await new Promise<string>((resolve, reject) => {
    const first = new Upload(data, {
      endpoint: `${kit.base}/files/tus`,
      chunkSize: 256 * 1024,
      retryDelays: [],
      headers: { "x-user": "ada" },
      metadata,
      onError: reject,
      onSuccess: () => reject(new Error("the upload was meant to be cut off")),
      onProgress: (sent) => {
        if (sent < 1024 * 1024) return;
        first.abort().then(() => resolve(first.url as string), reject);
      },
    });
    first.start();
  });
  const head = await fetch(uploadUrl, {
    method: "HEAD",
    headers: { "tus-resumable": "1.0.0", "x-user": "ada" },
  });
  const offset = Number(head.headers.get("upload-offset"));
  expect(offset).toBeGreaterThan(0);
  expect(offset).toBeLessThan(data.length);

  const { url } = await tusUpload(`${kit.base}/files/tus`, data, { uploadUrl, metadata });
  expect(url).toBe(uploadUrl);
  const result = await waitForResult(url);
  expect(result.status).toBe(200);
  const stored = Buffer.from(await (await fetch(result.body.file.url)).arrayBuffer());
  expect(sha256(stored)).toBe(sha256(data));
  expect(await kit.storedFiles()).toEqual([]);
});
