import { createWriteStream, type WriteStream } from "node:fs";
import type { IncomingMessage } from "node:http";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import Busboy, { type BusboyHeaders } from "@fastify/busboy";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import type { BlobStore } from "../storage/blob-store";
import { Base64Decoder } from "./base64-decoder";
import { readHead } from "./read-head";

/** The `file` field in one of the three documented forms. */
export type FilePart =
  | { kind: "binary"; tempPath: string; size: number; fileName?: string }
  | { kind: "base64"; tempPath: string; size: number }
  | { kind: "url"; url: string };

export interface UploadBody {
  /** Every field but `file`, as the strings that were sent. */
  fields: Record<string, string>;
  file?: FilePart;
}

const URL_LIMIT = 8 * 1024;

/**
 * The file's bytes queued for the disk while a write is in progress: they go out as one writev
 * once it completes, rather than one write (and one thread-pool round trip) per 64 KiB socket
 * read, which Node's default of 16 KiB amounts to.
 */
const WRITE_WINDOW_BYTES = 1024 * 1024;
/** What the request may queue in the parser (busboy's default, 16 KiB, is less than one read). */
const PARSER_WINDOW_BYTES = 256 * 1024;

/**
 * Reads an upload's multipart body. The `file` part is always streamed to a temp file (binary, or
 * base64 decoded on the fly), never held in memory, and cut off with a 400 once it passes
 * `maxBytes`. The caller owns the temp file: it commits or discards it.
 */
export async function readUploadBody(
  req: IncomingMessage,
  blobs: BlobStore,
  maxBytes: number,
): Promise<UploadBody> {
  const contentType = req.headers["content-type"] ?? "";
  if (!contentType.toLowerCase().startsWith("multipart/form-data")) {
    throw new ImageKitError(400, "Your request must be multipart/form-data.");
  }
  let busboy: InstanceType<typeof Busboy>;
  try {
    busboy = new Busboy({
      headers: req.headers as BusboyHeaders,
      // The `file` field is streamed whatever its form: a binary part or a (possibly huge) base64 string.
      isPartAFile: (name) => name === "file",
      highWaterMark: PARSER_WINDOW_BYTES,
      limits: { fields: 100, fieldSize: 1024 * 1024, files: 1, headerPairs: 100 },
    });
  } catch {
    throw new ImageKitError(400, "Your request contains a malformed multipart body.");
  }

  const fields: Record<string, string> = {};
  let file: FilePart | undefined;
  let fileWork: Promise<void> = Promise.resolve();
  let fileStream: NodeJS.ReadableStream | undefined;
  // The first bad field or file ends the request at once: a 300 MB body that is already
  // too large is not read to its end before the client hears so.
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {});

  busboy.on("field", (name, value, _nameTruncated, valueTruncated) => {
    if (valueTruncated) fail(new ImageKitError(400, MESSAGES.invalidParameter(name)));
    fields[name] = value;
  });
  busboy.on("file", (_name, stream, fileName, _encoding, mimeType) => {
    if (file) {
      stream.resume();
      return;
    }
    fileStream = stream;
    const isText = fileName === undefined && (mimeType === "text/plain" || mimeType === undefined);
    const read = isText
      ? readTextFile(stream, blobs, maxBytes)
      : readBinaryFile(stream, blobs, maxBytes, fileName);
    fileWork = read.then((part) => {
      file = part;
    });
    fileWork.catch((error: unknown) => {
      stream.resume();
      fail(error);
    });
  });

  // Not stream.pipeline: on a parse error it would destroy the request, and with it the socket
  // the 400 has to go out on.
  let clientGone = false;
  const parsed = new Promise<void>((resolve, reject) => {
    busboy.on("finish", resolve);
    busboy.on("error", reject);
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) {
        clientGone = true;
        reject(new Error("The client closed the connection mid-body."));
      }
    });
  });
  req.pipe(busboy);

  try {
    await Promise.race([parsed.then(() => fileWork), failed]);
  } catch (error) {
    req.unpipe(busboy);
    // Whatever the client still sends is read and dropped, so the answer reaches it.
    req.resume();
    // A body cut mid-file leaves the file stream open: end it so its temp file is removed.
    (
      fileStream as (NodeJS.ReadableStream & { destroy?: (e?: Error) => void }) | undefined
    )?.destroy?.(new Error("aborted"));
    await fileWork.catch(() => {});
    if (file && file.kind !== "url") await blobs.discard(file.tempPath);
    // A client that went away mid-body gets no answer; anything else was a broken body.
    if (clientGone) throw error;
    if (error instanceof ImageKitError) throw error;
    throw new ImageKitError(400, "Your request contains a malformed multipart body.");
  }
  return { fields, ...(file ? { file } : {}) };
}

/**
 * Removes a failed upload's temp file once its write stream has closed. A pipeline that fails
 * early destroys the stream while it may still be opening the file: removed before that open
 * completes, the file would be created again and left behind.
 */
async function discardOnceClosed(
  out: WriteStream,
  tempPath: string,
  blobs: BlobStore,
): Promise<void> {
  if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
  await blobs.discard(tempPath);
}

class SizeGuard extends Transform {
  bytes = 0;
  constructor(private readonly maxBytes: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) callback(new ImageKitError(400, MESSAGES.fileTooLarge));
    else callback(null, chunk);
  }
}

async function readBinaryFile(
  stream: NodeJS.ReadableStream,
  blobs: BlobStore,
  maxBytes: number,
  fileName: string | undefined,
): Promise<FilePart> {
  const tempPath = blobs.tempPath();
  const guard = new SizeGuard(maxBytes);
  const out = createWriteStream(tempPath, { highWaterMark: WRITE_WINDOW_BYTES });
  try {
    await pipeline(stream, guard, out);
  } catch (error) {
    await discardOnceClosed(out, tempPath, blobs);
    throw error;
  }
  return { kind: "binary", tempPath, size: guard.bytes, ...(fileName ? { fileName } : {}) };
}

/** A text `file` field: a URL to download, or base64 (plain or a data URI) decoded as it streams. */
async function readTextFile(
  stream: Readable,
  blobs: BlobStore,
  maxBytes: number,
): Promise<FilePart> {
  // Enough of the start to tell a URL from base64 (and to skip a data URI's prefix).
  const { head, ended } = await readHead(stream, 512);
  const start = head.toString("latin1", 0, Math.min(head.length, 16)).trimStart();
  if (/^https?:\/\//i.test(start)) {
    let text = head;
    if (!ended) {
      text = Buffer.alloc(0);
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        text = Buffer.concat([text, chunk]);
        if (text.length > URL_LIMIT)
          throw new ImageKitError(400, MESSAGES.invalidParameter("file"));
      }
    }
    return { kind: "url", url: text.toString("utf8").trim() };
  }
  const rest = ended ? Readable.from([head]) : stream;
  const tempPath = blobs.tempPath();
  const decoder = new Base64Decoder();
  const guard = new SizeGuard(maxBytes);
  const out = createWriteStream(tempPath, { highWaterMark: WRITE_WINDOW_BYTES });
  try {
    await pipeline(rest, decoder, guard, out);
  } catch (error) {
    await discardOnceClosed(out, tempPath, blobs);
    throw error;
  }
  if (guard.bytes === 0) {
    await blobs.discard(tempPath);
    throw new ImageKitError(400, MESSAGES.missingParameter("file"));
  }
  return { kind: "base64", tempPath, size: guard.bytes };
}
