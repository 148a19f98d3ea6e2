import type { Readable } from "node:stream";
import type { ReadableDataStore } from "./tus-options";

/** The first `length` bytes of a stored upload (fewer when it is shorter); the rest is not read. */
export async function readHead(
  datastore: ReadableDataStore,
  id: string,
  length: number,
): Promise<Buffer> {
  const source: Readable = await datastore.read(id);
  const chunks: Buffer[] = [];
  let read = 0;
  try {
    for await (const chunk of source) {
      chunks.push(chunk as Buffer);
      read += (chunk as Buffer).length;
      if (read >= length) break;
    }
  } finally {
    source.destroy();
  }
  return Buffer.concat(chunks).subarray(0, length);
}
