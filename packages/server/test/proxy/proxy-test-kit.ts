/**
 * What the proxy tests share: multipart bodies written byte by byte (streamed, cut, held), files
 * generated in chunks, and checks of the emulator's state (stored files, in-flight temp files).
 */
import { randomBytes } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { PublicRestrictions } from "@upkit/core";
import { UploadError, type UploadResult } from "@upkit/core";
import { expect } from "vitest";
import { errorResponse } from "../../src/http/responses";
import { createImageKitClient } from "../../src/imagekit/create-imagekit-client";
import type {
  ImageKitClient,
  RequestOptions,
  UploadSource,
} from "../../src/imagekit/imagekit-client-types";
import { type ProxyUploadArgs, streamProxyUpload } from "../../src/proxy/stream-proxy-upload";
import type { TestEmulator } from "../support/emulator";

export const KiB = 1024;
export const MiB = 1024 * 1024;
const encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Files, generated in chunks (never one buffer)

export interface GeneratedFile {
  size: number;
  chunks(): Iterable<Uint8Array>;
}

const FILLER = (() => {
  // Pseudo-random: no byte pattern a sniffer or a multipart parser could take for something.
  const bytes = new Uint8Array(64 * KiB);
  let x = 0x9e3779b9;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
})();

/** `size` bytes: `head`, then the same 64 KiB filler again and again, in 64 KiB chunks. */
export function generatedFile(size: number, head: Uint8Array = new Uint8Array(0)): GeneratedFile {
  return {
    size,
    *chunks() {
      let left = size;
      if (head.length > 0) {
        const first = head.subarray(0, Math.min(head.length, left));
        yield first;
        left -= first.length;
      }
      while (left > 0) {
        const n = Math.min(left, FILLER.length);
        yield n === FILLER.length ? FILLER : FILLER.subarray(0, n);
        left -= n;
      }
    },
  };
}

export const bytesFile = (bytes: Uint8Array): GeneratedFile => ({
  size: bytes.length,
  *chunks() {
    yield bytes;
  },
});

/** The start of a PDF; file-type knows it by `%PDF-`. */
export const PDF_HEAD = encoder.encode(
  "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
);

/**
 * A zip whose first entry is a 10 KB stored image: file-type sees only "zip" in the first 4100
 * bytes (the `[Content_Types].xml` that makes it a .docx comes later), as with many real .docx.
 */
export function docxLikeZip(): Uint8Array {
  const name = encoder.encode("word/media/image1.png");
  const data = FILLER.subarray(0, 10_000);
  const header = new Uint8Array(30 + name.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x04034b50, true); // local file header
  view.setUint16(4, 20, true); // version
  view.setUint16(8, 0, true); // stored
  view.setUint32(18, data.length, true); // compressed size
  view.setUint32(22, data.length, true); // uncompressed size
  view.setUint16(26, name.length, true);
  header.set(name, 30);
  return concat([header, data]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Multipart bodies, written here so they can be streamed, cut short or held mid-way

export type Part =
  | { name: string; value: string }
  | { name: string; fileName: string; type?: string; file: GeneratedFile };

export interface BodyOptions {
  /** Stop after this many bytes (the stream then ends normally). */
  cutAt?: number;
  /** Leave out the closing `--boundary--` (the body ends right after the file's data). */
  noClose?: boolean;
  /** After this many bytes, wait for `until` before going on (or ending). */
  hold?: { at: number; until: Promise<unknown> };
  /** Error the stream (a broken connection) instead of ending it once `cutAt` is reached. */
  breakAtCut?: boolean;
}

export interface MultipartBody {
  stream: ReadableStream<Uint8Array>;
  contentType: string;
  /** Bytes of the complete body (what a correct Content-Length says). */
  length: number;
  /** Bytes the stream handed out so far. */
  pulled(): number;
}

export function multipartBody(parts: Part[], options: BodyOptions = {}): MultipartBody {
  // Of a fixed length, so that two bodies of the same parts have the same length.
  const boundary = `----proxytest${randomBytes(12).toString("hex")}`;
  const segments: { bytes?: Uint8Array; file?: GeneratedFile }[] = [];
  for (const part of parts) {
    if ("value" in part) {
      segments.push({
        bytes: encoder.encode(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`,
        ),
      });
    } else {
      segments.push({
        bytes: encoder.encode(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.fileName}"\r\n` +
            `Content-Type: ${part.type ?? "application/octet-stream"}\r\n\r\n`,
        ),
      });
      segments.push({ file: part.file });
      segments.push({ bytes: encoder.encode("\r\n") });
    }
  }
  if (!options.noClose) segments.push({ bytes: encoder.encode(`--${boundary}--\r\n`) });
  const length = segments.reduce((n, s) => n + (s.bytes?.length ?? s.file?.size ?? 0), 0);

  let pulled = 0;
  function* chunks(): Generator<Uint8Array> {
    for (const segment of segments) {
      if (segment.bytes) yield segment.bytes;
      else if (segment.file) yield* segment.file.chunks();
    }
  }
  const source = chunks();
  // The rest of a chunk split at a hold or a cut.
  let carry: Uint8Array | undefined;
  let held = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { hold } = options;
        const cut = options.cutAt ?? Number.POSITIVE_INFINITY;
        if (hold && !held && pulled >= hold.at) {
          held = true;
          await hold.until;
        }
        if (pulled >= cut) {
          if (options.breakAtCut) controller.error(new Error("connection reset"));
          else controller.close();
          return;
        }
        let chunk = carry ?? source.next().value;
        carry = undefined;
        if (!chunk) {
          controller.close();
          return;
        }
        const limit = Math.min(cut, hold && !held ? hold.at : Number.POSITIVE_INFINITY);
        if (pulled + chunk.length > limit) {
          carry = chunk.subarray(limit - pulled);
          chunk = chunk.subarray(0, limit - pulled);
        }
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return {
    stream,
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
    pulled: () => pulled,
  };
}

/** A Request as a framework would build it: the body streams, Content-Length as sent (or set). */
export function proxyRequest(
  body: MultipartBody,
  init: { contentLength?: number | null; signal?: AbortSignal } = {},
): Request {
  const contentLength = init.contentLength === undefined ? body.length : init.contentLength;
  return new Request("http://app.test/api/upload/docs/proxy", {
    method: "POST",
    body: body.stream,
    duplex: "half",
    headers: {
      "content-type": body.contentType,
      ...(contentLength === null ? {} : { "content-length": String(contentLength) }),
    },
    ...(init.signal ? { signal: init.signal } : {}),
  } as RequestInit);
}

// ---------------------------------------------------------------------------------------------
// Running the proxy against the emulator

export interface Probe {
  client: ImageKitClient;
  /** Calls of client.upload, and the bytes each one's file stream gave upstream so far. */
  uploads: { fields: Record<string, string>; bytes: number; error?: unknown }[];
  prepared: Parameters<ProxyUploadArgs["prepare"]>[0][];
}

/** The real client, watched: which uploads started, and how many file bytes each read. */
export function probeClient(emulator: Pick<TestEmulator, "imagekit">): Probe {
  const real = createImageKitClient(emulator.imagekit);
  const probe: Probe = {
    uploads: [],
    prepared: [],
    client: {
      ...real,
      upload: ((
        fields: Record<string, string>,
        file: UploadSource,
        options?: RequestOptions & { acceptQueued?: boolean },
      ) => {
        const call: Probe["uploads"][number] = { fields, bytes: 0 };
        probe.uploads.push(call);
        const body =
          file.body instanceof Blob
            ? file.body
            : file.body.pipeThrough(
                new TransformStream<Uint8Array, Uint8Array>({
                  transform(chunk, controller) {
                    call.bytes += chunk.length;
                    controller.enqueue(chunk);
                  },
                }),
              );
        if (file.body instanceof Blob) call.bytes = file.body.size;
        // The route asks for queued answers too; the probe passes its options on unchanged.
        const result = real.upload(fields, { ...file, body }, { ...options, acceptQueued: true });
        result.catch((error: unknown) => {
          call.error = error;
        });
        return result;
      }) as ImageKitClient["upload"],
    },
  };
  return probe;
}

export interface RunOptions {
  restrictions?: PublicRestrictions;
  prepare?: ProxyUploadArgs["prepare"];
  signal?: AbortSignal;
  folder?: string;
}

/** streamProxyUpload with a probe client and a prepare that files everything under `folder`. */
export function runProxy(
  emulator: Pick<TestEmulator, "imagekit">,
  request: Request,
  options: RunOptions = {},
): { probe: Probe; result: Promise<UploadResult> } {
  const probe = probeClient(emulator);
  const folder = options.folder ?? "/proxy-tests";
  // A stored file: these tests' uploads ask for no pre-transformation, which alone is queued.
  const result = streamProxyUpload({
    request,
    restrictions: options.restrictions ?? {},
    client: probe.client,
    ...(options.signal ? { signal: options.signal } : {}),
    async prepare(context) {
      probe.prepared.push(context);
      if (options.prepare) return options.prepare(context);
      return {
        fileName: context.file.name,
        folder,
        useUniqueFileName: "false",
        overwriteFile: "true",
      };
    },
  }) as Promise<UploadResult>;
  result.catch(() => {});
  return { probe, result };
}

/** Awaits a failure and returns it, checked to be an UploadError answered with a 4xx status. */
export async function expectRefusal(promise: Promise<unknown>): Promise<UploadError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(UploadError);
  const uploadError = error as UploadError;
  // The answer's status: a client-only code (`aborted`) has none of its own.
  const { status } = errorResponse(uploadError);
  expect(status).toBeGreaterThanOrEqual(400);
  expect(status).toBeLessThan(500);
  return uploadError;
}

// ---------------------------------------------------------------------------------------------
// The emulator's state

/** Every file the emulator stores, by path. */
export async function storedPaths(emulator: TestEmulator): Promise<string[]> {
  const { status, body } = await emulator.api("/v1/files?limit=1000");
  expect(status).toBe(200);
  return (body as { filePath: string }[]).map((file) => file.filePath).sort();
}

/** The emulator's in-flight upload temp files, with their sizes. */
export async function inFlight(emulator: TestEmulator): Promise<number[]> {
  const dir = join(emulator.dataDir, "tmp");
  const sizes: number[] = [];
  for (const name of await readdir(dir)) {
    const size = await stat(join(dir, name)).then(
      (s) => s.size,
      () => undefined,
    );
    if (size !== undefined) sizes.push(size);
  }
  return sizes;
}

export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Nothing half-stored: no new file, and the emulator discarded its temp file. */
export async function expectNothingStored(emulator: TestEmulator, before: string[]): Promise<void> {
  await waitFor(
    async () => (await inFlight(emulator)).length === 0,
    "the emulator to discard its temp file",
  );
  expect(await storedPaths(emulator)).toEqual(before);
}

/** How much of the body had been read when `result` settled (the rest may be drained later). */
export function pulledWhenSettled(result: Promise<unknown>, body: MultipartBody): () => number {
  let pulled: number | undefined;
  const record = () => {
    pulled = body.pulled();
  };
  result.then(record, record);
  return () => pulled ?? Number.NaN;
}

export const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
};
