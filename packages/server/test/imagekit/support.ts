import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, deflateSync } from "node:zlib";
import { UploadError } from "@upkit/core";
import { createEmulator, type Emulator, type EmulatorOptions } from "@upkit/emulator";
import type { ImageKitConfig } from "../../src/imagekit/imagekit-config";

/** A key that is easy to search for in everything the client throws. */
export const PRIVATE_KEY = "private_te/st+k=y";

export interface TestEmulator extends Emulator {
  /** A client config pointed at this emulator. */
  config: ImageKitConfig;
  /** Adds a fault rule through the emulator's admin route. */
  fault(rule: Record<string, unknown>): Promise<void>;
  dispose(): Promise<void>;
}

/** A real emulator on a free port, with a fresh data directory. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const dataDir = await mkdtemp(join(tmpdir(), "upkit-imagekit-client-"));
  const emulator = await createEmulator({
    port: 0,
    asyncDelayMs: 20,
    privateKey: PRIVATE_KEY,
    ...options,
    dataDir,
  });
  return Object.assign(emulator, {
    config: {
      privateKey: emulator.privateKey,
      publicKey: emulator.publicKey,
      urlEndpoint: emulator.urlEndpoint,
      uploadEndpoint: emulator.url,
      apiEndpoint: emulator.url,
    },
    async fault(rule: Record<string, unknown>) {
      const response = await fetch(`${emulator.url}/_emulator/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(rule),
      });
      if (response.status !== 201) throw new Error(`fault rule refused: ${await response.text()}`);
    },
    async dispose() {
      await emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}

/** A real PNG of one colour, encoded here (zlib + CRC-32), so no image library is needed. */
export function png(
  width = 8,
  height = 6,
  rgba: [number, number, number, number] = [200, 30, 30, 255],
) {
  const row = 1 + width * 4;
  const raw = Buffer.alloc(row * height);
  for (let y = 0; y < height; y += 1)
    for (let x = 0; x < width; x += 1) raw.set(rgba, y * row + 1 + x * 4);
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits per channel, RGBA, no interlace
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", header),
      chunk("IDAT", deflateSync(raw)),
      chunk("IEND", Buffer.alloc(0)),
    ]),
  );
}

/** A stream of `bytes`, handed out `chunkSize` bytes at a time. */
export function streamOf(bytes: Uint8Array, chunkSize = 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
}

export interface Attempt {
  method: string;
  url: string;
  startedAt: number;
  status?: number;
  endedAt?: number;
  headers?: Headers;
}

/** The real fetch, recording every attempt (and optionally reshaping the response). */
export function countingFetch(reshape?: (response: Response) => Response) {
  const attempts: Attempt[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const attempt: Attempt = {
      method: init?.method ?? "GET",
      url: String(input),
      startedAt: performance.now(),
    };
    attempts.push(attempt);
    const response = await fetch(input, init);
    attempt.status = response.status;
    attempt.endedAt = performance.now();
    attempt.headers = response.headers;
    return reshape ? reshape(response) : response;
  };
  return { fetch: wrapped, attempts };
}

/** Every error the tests provoke, to prove afterwards that none of them carries the key. */
export const provoked: unknown[] = [];

/** Awaits a rejection, checks it is an `UploadError` with `code`, and keeps it for the key check. */
export async function expectUploadError(
  promise: Promise<unknown>,
  code: string,
): Promise<UploadError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected an UploadError "${code}", but the call succeeded`);
    },
    (error: unknown) => error,
  );
  provoked.push(error);
  if (!(error instanceof UploadError)) throw error;
  if (error.code !== code)
    throw new Error(`expected code "${code}", got "${error.code}": ${error.message}`);
  return error;
}

/**
 * The smallest MP4 a media prober reads: `ftyp`, `mdat`, then a `moov` holding only an `mvhd`
 * (timescale 1000), so it is a video of `seconds` seconds with no tracks.
 */
export function mp4(seconds = 5): Uint8Array<ArrayBuffer> {
  const u32 = (n: number) => {
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(n);
    return bytes;
  };
  const box = (type: string, ...body: Buffer[]) => {
    const data = Buffer.concat(body);
    return Buffer.concat([u32(8 + data.length), Buffer.from(type, "latin1"), data]);
  };
  const mvhd = box(
    "mvhd",
    u32(0),
    u32(0),
    u32(0),
    u32(1000),
    u32(seconds * 1000),
    Buffer.alloc(80),
  );
  return new Uint8Array(
    Buffer.concat([
      box("ftyp", Buffer.from("isom"), u32(512), Buffer.from("isomiso2")),
      box("mdat", Buffer.alloc(1000)),
      box("moov", mvhd),
    ]),
  );
}
