import { afterAll, beforeAll, expect, it } from "vitest";
import {
  randomFile,
  startTusKit,
  type TusKit,
  tusFetch,
  tusMetadata,
  tusUpload,
  waitForResult,
} from "./tus-kit";

let kit: TusKit;
beforeAll(async () => {
  kit = await startTusKit();
});
afterAll(() => kit?.close());

const metadata = { filename: "counted.bin", filetype: "application/octet-stream" };

it("counts a tus upload once against the rate limit, not once per chunk or result ask", async () => {
  // 3 uploads a minute; each below sends 12 chunks and asks for its result.
  for (const userId of ["counted-1", "counted-1", "counted-1"]) {
    const { url } = await tusUpload(`${kit.base}/limited/tus`, randomFile(3 * 1024 * 1024), {
      userId,
      metadata,
    });
    expect((await waitForResult(url, userId)).status).toBe(200);
  }
  // The fourth upload of the minute is refused at its creation.
  const fourth = await tusFetch(`${kit.base}/limited/tus`, {
    method: "POST",
    userId: "counted-1",
    headers: { "upload-length": "10", "upload-metadata": tusMetadata(metadata) },
  });
  expect(fourth.status).toBe(429);
  expect(Number(fourth.headers.get("retry-after"))).toBeGreaterThan(0);
  // Another user is counted apart.
  const { url } = await tusUpload(`${kit.base}/limited/tus`, randomFile(1024), {
    userId: "counted-2",
    metadata,
  });
  expect((await waitForResult(url, "counted-2")).status).toBe(200);
});

it("counts each guess at an unknown upload id", async () => {
  const statuses: number[] = [];
  for (let guess = 0; guess < 5; guess++) {
    const response = await tusFetch(`${kit.base}/limited/tus/guess${guess}`, {
      method: "HEAD",
      userId: "guesser",
    });
    statuses.push(response.status);
  }
  expect(statuses).toEqual([404, 404, 404, 429, 429]);
});
