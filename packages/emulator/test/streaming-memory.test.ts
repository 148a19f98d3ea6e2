/**
 * Streaming: the upload path never holds a whole file in memory. The emulator runs as its own
 * process (its RSS is not mixed with the test runner's) and receives ~290 MB videos, binary and
 * base64, generated on the fly: its peak RSS must not grow by more than a small constant.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MiB = 1024 * 1024;
/** Under the default (lite) 300 MB (300,000,000 bytes) video limit, far over the 40 MB one. */
const VIDEO_SIZE = 290_000_000;
const OVER_LIMIT_SIZE = 301_000_000;
const MAX_RSS_GROWTH = 64 * MiB;
const TOO_LARGE = "Your request contains invalid file parameter. The file size exceeds limits.";
const AUTH = `Basic ${Buffer.from("private_emulator_key:").toString("base64")}`;

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const cli = join(packageDir, "src", "cli.ts");

let child: ChildProcess | undefined;
let dataDir: string;
let baseUrl: URL;
// One kept-alive connection: an early 400 is answered while the body is still being sent, and
// the emulator drains the rest instead of resetting the socket.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const killChild = () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
};
// Even if the runner dies without running afterAll, the emulator does not outlive it.
process.once("exit", killChild);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "upkit-streaming-"));
  child = spawn(
    process.execPath,
    ["--import", "tsx", cli, "--port", "0", "--dir", dataDir, "--quiet"],
    { cwd: packageDir, stdio: ["ignore", "pipe", "pipe"] },
  );
  baseUrl = await waitForReady(child);
  // Warm up (modules, JIT, parser buffers): the measurements then see only per-upload memory.
  const warm = await upload(mp4Bytes(2 * MiB), { mode: "binary", fileName: "warm.mp4" });
  expect(warm.status, JSON.stringify(warm.body)).toBe(200);
  await download(String(warm.body.url));
  await deleteFile(String(warm.body.fileId));
}, 60_000);

afterAll(async () => {
  killChild();
  agent.destroy();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("streaming uploads keep the emulator's memory flat", () => {
  it("stores a 290 MB binary video without holding it in memory", async () => {
    const { result, memory } = await measure(() =>
      upload(mp4Bytes(VIDEO_SIZE), { mode: "binary", fileName: "big.mp4" }),
    );
    await expectStoredVideo(result, memory);
  }, 120_000);

  it("decodes a 290 MB base64 video while it streams", async () => {
    // No mdat box here: the header is followed by bytes that are no valid box, which the
    // probe must survive.
    const { result, memory } = await measure(() =>
      upload(mp4Bytes(VIDEO_SIZE, { mdat: false }), { mode: "base64", fileName: "big64.mp4" }),
    );
    await expectStoredVideo(result, memory);
  }, 120_000);

  it("refuses a 301 MB video with a 400, leaving no file and no memory behind", async () => {
    const blobsBefore = await readdir(join(dataDir, "blobs"));
    const { result, memory } = await measure(() =>
      upload(mp4Bytes(OVER_LIMIT_SIZE), { mode: "binary", fileName: "huge.mp4" }),
    );
    expect(result.status, JSON.stringify(result.body)).toBe(400);
    expect(result.body.message).toBe(TOO_LARGE);
    expect(memory.growth, describeMemory(memory)).toBeLessThanOrEqual(MAX_RSS_GROWTH);
    expect(await readdir(join(dataDir, "tmp"))).toEqual([]);
    expect(await readdir(join(dataDir, "blobs"))).toEqual(blobsBefore);
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------
// The emulator process

/**
 * A 290 MB video arrived whole, was read as a video (duration from its moov/mvhd header, though
 * filler follows), kept the emulator's memory flat, and is served back whole; then removed.
 */
async function expectStoredVideo(result: Awaited<ReturnType<typeof upload>>, memory: Memory) {
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  expect(result.fileBytesSent).toBe(VIDEO_SIZE);
  expect(result.body.size).toBe(VIDEO_SIZE);
  expect(result.body.fileType).toBe("non-image");
  expect(result.body.duration).toBe(120);
  expect(memory.growth, describeMemory(memory)).toBeLessThanOrEqual(MAX_RSS_GROWTH);
  const served = await download(String(result.body.url));
  expect(served.status).toBe(200);
  expect(served.bytes).toBe(VIDEO_SIZE);
  await deleteFile(String(result.body.fileId));
}

function waitForReady(proc: ChildProcess): Promise<URL> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => fail(new Error("the emulator did not start in 30 s")), 30_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      killChild();
      reject(new Error(`${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    proc.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    proc.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk;
      if (!/^emulator ready$/m.test(stdout)) return;
      clearTimeout(timer);
      const url = /ImageKit emulator at (\S+)/.exec(stdout)?.[1];
      const parsed = url ? new URL(url) : undefined;
      if (!parsed || parsed.port === "" || parsed.port === "0") {
        fail(new Error(`no usable URL in the emulator's banner: ${url}`));
        return;
      }
      resolve(parsed);
    });
    proc.once("error", fail);
    proc.once("exit", (code, signal) => fail(new Error(`the emulator exited (${code ?? signal})`)));
  });
}

interface Memory {
  /** VmRSS right before the request, bytes. */
  before: number;
  /** VmHWM (peak RSS, reset before the request) after it. */
  peak: number;
  /** The highest VmRSS sampled every 20 ms during the request (a check on the peak). */
  sampledPeak: number;
  /** Whether /proc/<pid>/clear_refs reset the peak; if not, `peak` is since the start. */
  peakReset: boolean;
  growth: number;
}

function procStatus(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
}

/** Runs `work` and reports how much the emulator's peak RSS grew over its RSS before it. */
async function measure<T>(work: () => Promise<T>): Promise<{ result: T; memory: Memory }> {
  const pid = child?.pid as number;
  let peakReset = true;
  try {
    // "5" resets VmHWM to the current RSS (Linux 4.0+).
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
  } catch {
    peakReset = false;
  }
  const before = procStatus(pid).rss;
  let sampledPeak = before;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, procStatus(pid).rss);
  }, 20);
  try {
    const result = await work();
    const after = procStatus(pid);
    sampledPeak = Math.max(sampledPeak, after.rss);
    // Without a reset, the all-time peak is still an upper bound of the request's peak.
    const peak = Math.max(after.hwm, sampledPeak);
    const memory = { before, peak, sampledPeak, peakReset, growth: peak - before };
    if (process.env.UPKIT_LOG_MEMORY) console.log(describeMemory(memory));
    return { result, memory };
  } finally {
    clearInterval(sampler);
  }
}

const mb = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
const describeMemory = (m: Memory) =>
  `RSS before ${mb(m.before)}, peak ${mb(m.peak)} (sampled ${mb(m.sampledPeak)}, ` +
  `peak reset: ${m.peakReset}), growth ${mb(m.growth)}`;

// ---------------------------------------------------------------------------------------------
// Generated files, never whole in memory

const FILLER_SIZE = 3 * 349_525; // 1 MiB - 1: a multiple of 3, so each chunk is whole base64.
const filler = (() => {
  // Pseudo-random bytes: no run of zeros that could pass for a well-formed box.
  const bytes = Buffer.alloc(FILLER_SIZE);
  let x = 0x9e3779b9;
  for (let i = 0; i < bytes.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
})();

function box(type: string, ...payload: Buffer[]): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + payload.reduce((n, p) => n + p.length, 0));
  return Buffer.concat([size, Buffer.from(type, "latin1"), ...payload]);
}

/** ftyp (isom) + moov with an mvhd saying 120 s: what probe-file reads for a duration. */
function mp4Header(): Buffer {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const matrix = Buffer.alloc(36);
  matrix.writeUInt32BE(0x10000, 0);
  matrix.writeUInt32BE(0x10000, 16);
  matrix.writeUInt32BE(0x40000000, 32);
  const mvhd = box(
    "mvhd",
    u32(0), // version 0, flags
    u32(0), // creation time
    u32(0), // modification time
    u32(1000), // timescale
    u32(120_000), // duration: 120 s
    u32(0x10000), // rate 1.0
    Buffer.from([0x01, 0x00]), // volume 1.0
    Buffer.alloc(10),
    matrix,
    Buffer.alloc(24),
    u32(2), // next track id
  );
  return Buffer.concat([
    box("ftyp", Buffer.from("isom"), u32(512), Buffer.from("isomiso2mp41")),
    box("moov", mvhd),
  ]);
}

/**
 * An MP4 of exactly `size` bytes in ~1 MiB chunks: the header, then (inside an `mdat` box unless
 * `mdat: false`) the same filler buffer yielded again and again.
 */
function mp4Bytes(size: number, { mdat = true } = {}): Source {
  let header = mp4Header();
  if (mdat) {
    const mdatHeader = Buffer.alloc(8);
    mdatHeader.writeUInt32BE(size - header.length);
    mdatHeader.write("mdat", 4, "latin1");
    header = Buffer.concat([header, mdatHeader]);
  }
  // The first chunk is as long as the filler, so every chunk but the last is a multiple of 3.
  const first = Buffer.concat([header, filler.subarray(0, FILLER_SIZE - header.length)]);
  function* chunks(): Generator<Buffer> {
    let left = size;
    for (let chunk = first; left > 0; chunk = filler) {
      const n = Math.min(left, chunk.length);
      yield n === chunk.length ? chunk : chunk.subarray(0, n);
      left -= n;
    }
  }
  return { size, chunks: chunks() };
}

/** Base64 of chunks that are multiples of 3 bytes (all but the last); repeats encoded once. */
function* asBase64(chunks: Iterable<Buffer>): Generator<Buffer> {
  const encoded = new WeakMap<Buffer, Buffer>();
  for (const chunk of chunks) {
    let text = encoded.get(chunk);
    if (!text) {
      text = Buffer.from(chunk.toString("base64"), "latin1");
      encoded.set(chunk, text);
    }
    yield text;
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP, streamed both ways

interface UploadResult {
  status: number;
  body: Record<string, unknown>;
  /** Bytes of the file (decoded, for base64) that went out. */
  fileBytesSent: number;
}

/** A generated file: its exact size and its bytes, produced as they are sent. */
interface Source {
  size: number;
  chunks: Iterable<Buffer>;
}

/**
 * POSTs a multipart upload whose envelope is written here, with a Content-Length computed up
 * front; the file part streams from `file` (binary, or as base64 text in the `file` field).
 */
function upload(
  file: Source,
  { mode, fileName }: { mode: "binary" | "base64"; fileName: string },
): Promise<UploadResult> {
  const boundary = `----upkit${randomBytes(12).toString("hex")}`;
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  // A base64 `file` is a plain text field: no filename, no Content-Type.
  const filePartHead =
    mode === "binary"
      ? `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
        "Content-Type: video/mp4\r\n\r\n"
      : `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n`;
  const head = Buffer.from(field("fileName", fileName) + field("folder", "/big") + filePartHead);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const fileLength = mode === "binary" ? file.size : 4 * Math.ceil(file.size / 3);

  let fileBytesSent = 0;
  const counted = (function* () {
    for (const chunk of file.chunks) {
      fileBytesSent += chunk.length;
      yield chunk;
    }
  })();
  const body = (function* () {
    yield head;
    yield* mode === "binary" ? counted : asBase64(counted);
    yield tail;
  })();

  return new Promise((resolve, reject) => {
    const req = request(new URL("/api/v1/files/upload", baseUrl), {
      method: "POST",
      agent,
      headers: {
        authorization: AUTH,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": head.length + fileLength + tail.length,
      },
    });
    let answered = false;
    let sent = false;
    let response: { status: number; body: Record<string, unknown> } | undefined;
    const settle = () => {
      // Both the body went out (or was cut) and the answer arrived.
      if (response && sent) resolve({ ...response, fileBytesSent });
    };
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => {
        try {
          response = { status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} };
          settle();
        } catch (error) {
          reject(error);
        }
      });
      res.on("error", reject);
    });
    pipeline(Readable.from(body, { objectMode: false }), req).then(
      () => {
        sent = true;
        settle();
      },
      (error: unknown) => {
        // A connection closed after an early answer only cut the rest of the body.
        sent = true;
        if (answered) settle();
        else reject(error);
      },
    );
  });
}

/** GETs a served file by its path, counting the bytes as they stream. */
function download(fileUrl: string): Promise<{ status: number; bytes: number }> {
  const { pathname } = new URL(fileUrl);
  return new Promise((resolve, reject) => {
    const req = request(new URL(pathname, baseUrl), { agent }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Deletes an uploaded file, so that 290 MB blobs do not pile up on disk. */
async function deleteFile(fileId: string): Promise<void> {
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      new URL(`/v1/files/${fileId}`, baseUrl),
      { method: "DELETE", agent, headers: { authorization: AUTH } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end();
  });
  expect(status).toBe(204);
}
