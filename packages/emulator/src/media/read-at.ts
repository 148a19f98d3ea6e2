import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";

/** Positional reads: the probes look at a few bytes of a file, never load it whole. */
export async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    return await readHandle(handle, position, length);
  } finally {
    await handle.close();
  }
}

export async function readHandle(
  handle: FileHandle,
  position: number,
  length: number,
): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
