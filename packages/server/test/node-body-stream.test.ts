import { PassThrough } from "node:stream";
import { expect, it } from "vitest";
import { nodeBodyStream } from "../src/http/node-body-stream";

const KiB = 1024;
const tick = () => new Promise((resolve) => setImmediate(resolve));

it("reads a body ahead of its reader up to the bound, then pauses the source", async () => {
  const source = new PassThrough({ highWaterMark: 16 * KiB });
  const body = nodeBodyStream(source, 256 * KiB);
  const chunks = Array.from({ length: 12 }, (_, i) => Buffer.alloc(64 * KiB, i));
  for (const chunk of chunks) source.write(chunk);
  source.end();
  await tick();
  // Taken from the source while nobody reads: the bound (four 64 KiB chunks), not one chunk.
  expect(source.isPaused()).toBe(true);
  expect(source.readableLength).toBeLessThanOrEqual(chunks.length * 64 * KiB - 256 * KiB);
  const read: Uint8Array[] = [];
  for await (const chunk of body) read.push(chunk);
  expect(Buffer.concat(read).equals(Buffer.concat(chunks))).toBe(true);
  // The source's own chunks, not copies of them.
  expect(read[0]).toBe(chunks[0]);
});

it("errors when the source breaks off, and destroys the source when cancelled", async () => {
  const broken = new PassThrough();
  const reader = nodeBodyStream(broken).getReader();
  broken.write(Buffer.from("part"));
  broken.destroy();
  expect((await reader.read()).value).toEqual(Buffer.from("part"));
  await expect(reader.read()).rejects.toThrow();

  const cancelled = new PassThrough();
  await nodeBodyStream(cancelled).cancel();
  expect(cancelled.destroyed).toBe(true);
});
