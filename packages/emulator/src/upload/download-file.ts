import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import type { BlobStore } from "../storage/blob-store";

/**
 * Downloads a `file` given as a URL into a temp file. As documented: a 400 when it cannot be
 * fetched, and when response headers do not arrive within the time limit (8 s by default).
 */
export async function downloadFile(
  url: string,
  blobs: BlobStore,
  maxBytes: number,
  headerTimeoutMs: number,
): Promise<{ tempPath: string; size: number }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImageKitError(400, MESSAGES.invalidParameter("file"));
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), headerTimeoutMs);
  let response: Response;
  try {
    response = await fetch(parsed, { signal: controller.signal, redirect: "follow" });
  } catch {
    throw new ImageKitError(400, MESSAGES.fileUrlFailed);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => {});
    throw new ImageKitError(400, MESSAGES.fileUrlFailed);
  }
  let size = 0;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(size > maxBytes ? new ImageKitError(400, MESSAGES.fileTooLarge) : null, chunk);
    },
  });
  const tempPath = blobs.tempPath();
  try {
    await pipeline(
      Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
      guard,
      createWriteStream(tempPath),
    );
  } catch (error) {
    await blobs.discard(tempPath);
    throw error instanceof ImageKitError ? error : new ImageKitError(400, MESSAGES.fileUrlFailed);
  }
  return { tempPath, size };
}
