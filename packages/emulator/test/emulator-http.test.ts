/**
 * The emulator as an HTTP server, end to end: CORS, request ids, unknown routes and methods,
 * fault injection and rate limits through the real emulator, and the CLI.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blob, png } from "./support/images";
import { api, basicAuth, startEmulator, type TestEmulator, upload } from "./support/start-emulator";

const HELP = "For support kindly contact us at support@imagekit.io .";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ORIGIN = "http://localhost:5173";

let emulator: TestEmulator;
let image: Buffer;

beforeAll(async () => {
  emulator = await startEmulator();
  image = await png(16, 16);
});
afterAll(() => emulator?.dispose());

async function fileCount(target: TestEmulator = emulator): Promise<number> {
  const res = await api(target, "/v1/files");
  expect(res.status).toBe(200);
  return (res.body as unknown[]).length;
}

/** The upload's temp files: `<dataDir>/tmp` must be empty once a request is over. */
async function tempFiles(target: TestEmulator = emulator): Promise<string[]> {
  return readdir(join(target.dataDir, "tmp"));
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

function expectRequestId(headers: Headers): string {
  const id = headers.get("x-request-id");
  expect(id).toMatch(UUID);
  expect(headers.get("x-ik-requestid")).toBe(id);
  return id as string;
}

describe("CORS", () => {
  it("answers a preflight from another origin with 204 and the allow headers", async () => {
    const res = await fetch(`${emulator.url}/api/v1/files/upload`, {
      method: "OPTIONS",
      headers: {
        origin: ORIGIN,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("vary")).toMatch(/origin/i);
    expect(res.headers.get("access-control-allow-methods")?.split(/,\s*/)).toEqual(
      expect.arrayContaining(["GET", "POST", "DELETE", "OPTIONS"]),
    );
    const allowed = res.headers.get("access-control-allow-headers")?.toLowerCase() ?? "";
    expect(allowed).toContain("authorization");
    expect(allowed).toContain("content-type");
  });

  it("a cross-origin upload response carries access-control-allow-origin and exposes the request id", async () => {
    const res = await upload(
      emulator,
      { file: blob(image), fileName: "cors.png" },
      { headers: { origin: ORIGIN } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(res.headers.get("access-control-expose-headers")?.toLowerCase()).toContain(
      "x-request-id",
    );
  });

  it("a preflight does not use up a fault rule", async () => {
    const added = await fetch(`${emulator.url}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "/api/v1/files/upload", times: 1, fault: "status=503" }),
    });
    expect(added.status).toBe(201);
    const preflight = await fetch(`${emulator.url}/api/v1/files/upload`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    const faulted = await upload(emulator, { file: blob(image), fileName: "after.png" });
    expect(faulted.status).toBe(503);
    expect((await upload(emulator, { file: blob(image), fileName: "after.png" })).status).toBe(200);
  });
});

describe("request ids, unknown routes, wrong methods", () => {
  it("every response carries x-request-id and x-ik-requestId (success, 4xx, file server, preflight)", async () => {
    const ok = await upload(emulator, { file: blob(image), fileName: "ids.png" });
    expect(ok.status).toBe(200);
    const ids = [expectRequestId(ok.headers)];

    const unauthorized = await upload(
      emulator,
      { file: blob(image), fileName: "x.png" },
      { auth: null },
    );
    expect(unauthorized.status).toBe(401);
    ids.push(expectRequestId(unauthorized.headers));

    const file = await fetch(`${emulator.url}${new URL(ok.body.url).pathname}`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(image)).toBe(true);
    ids.push(expectRequestId(file.headers));

    const missingFile = await fetch(`${emulator.url}/upkit-demo/nope.png`);
    expect(missingFile.status).toBe(404);
    ids.push(expectRequestId(missingFile.headers));

    const preflight = await fetch(`${emulator.url}/v1/files`, { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    ids.push(expectRequestId(preflight.headers));

    // One per request.
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("answers 404 { message, help } for an unknown route", async () => {
    for (const path of ["/v1/nothing-here", "/api/v3/files/upload", "/"]) {
      const res = await api(emulator, path);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(res.body).toEqual({ message: "The requested resource does not exist.", help: HELP });
      expectRequestId(res.headers);
    }
  });

  it("answers 405 { message, help } for a known route with the wrong method", async () => {
    const get = await api(emulator, "/api/v1/files/upload");
    expect(get.status).toBe(405);
    expect(get.body).toEqual({ message: "Method not allowed.", help: HELP });
    const put = await api(emulator, "/v1/files", { method: "PUT", body: "{}" });
    expect(put.status).toBe(405);
    expect(put.body).toEqual({ message: "Method not allowed.", help: HELP });
  });
});

describe("fault injection through the real emulator", () => {
  it("x-emulator-fault: status=503 on an upload answers 503 and stores nothing", async () => {
    const before = await fileCount();
    const res = await upload(
      emulator,
      { file: blob(image), fileName: "faulty.png" },
      { headers: { "x-emulator-fault": "status=503" } },
    );
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ message: "Service temporarily unavailable.", help: HELP });
    expectRequestId(res.headers);
    expect(await fileCount()).toBe(before);
    expect(await tempFiles()).toEqual([]);
  });

  it("status=429 answers with X-RateLimit-Limit, -Reset, -Interval and Retry-After", async () => {
    const res = await upload(
      emulator,
      { file: blob(image), fileName: "limited.png" },
      { headers: { "x-emulator-fault": "status=429" } },
    );
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ message: "Too many requests. Please try again later.", help: HELP });
    const limit = Number(res.headers.get("x-ratelimit-limit"));
    const reset = Number(res.headers.get("x-ratelimit-reset"));
    const interval = Number(res.headers.get("x-ratelimit-interval"));
    expect(limit).toBeGreaterThan(0);
    expect(interval).toBeGreaterThan(0);
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(interval);
    expect(res.headers.get("retry-after")).toBe(String(Math.ceil(reset / 1000)));
  });

  it("reset-after=65536 on a 1 MB upload: the client sees a connection error, nothing is stored or left in tmp", async () => {
    const before = await fileCount();
    const attempt = upload(
      emulator,
      { file: blob(randomBytes(1024 * 1024)), fileName: "big.bin" },
      { headers: { "x-emulator-fault": "reset-after=65536" } },
    );
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(String((error as TypeError).cause)).toMatch(/ECONNRESET|EPIPE|socket|closed/i);
    expect(await eventually(async () => (await tempFiles()).length === 0)).toBe(true);
    expect(await fileCount()).toBe(before);
    // The emulator goes on serving.
    expect((await upload(emulator, { file: blob(image), fileName: "next.png" })).status).toBe(200);
  });

  it("latency=300 delays the answer, then the upload succeeds", async () => {
    const started = Date.now();
    const res = await upload(
      emulator,
      { file: blob(image), fileName: "slow.png" },
      { headers: { "x-emulator-fault": "latency=300" } },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(299);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ width: 16, height: 16, size: image.length });
  });

  it("stall: the client times out, and the emulator still closes promptly", async () => {
    const stalled = await startEmulator();
    const before = await fileCount(stalled);
    const form = new FormData();
    form.append("file", blob(image), "stall.png");
    form.append("fileName", "stall.png");
    const started = Date.now();
    const error = await fetch(`${stalled.url}/api/v1/files/upload`, {
      method: "POST",
      body: form,
      headers: { authorization: basicAuth(), "x-emulator-fault": "stall" },
      signal: AbortSignal.timeout(300),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe("TimeoutError");
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await fileCount(stalled)).toBe(before);

    // A stalled request whose client is still waiting must not hold up close().
    const waiting = fetch(`${stalled.url}/v1/files`, {
      headers: { authorization: basicAuth(), "x-emulator-fault": "stall" },
    }).then(
      () => "answered",
      () => "connection closed",
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = Date.now();
    await stalled.dispose();
    expect(Date.now() - closing).toBeLessThan(1000);
    expect(await waiting).toBe("connection closed");
  });
});

describe("options.rateLimit", () => {
  let limited: TestEmulator;
  beforeAll(async () => {
    limited = await startEmulator({ rateLimit: { limit: 3, intervalMs: 60_000 } });
  });
  afterAll(() => limited?.dispose());

  it("answers 429 on /v1/ after the limit, while uploads are never limited", async () => {
    for (let i = 0; i < 3; i++) expect((await api(limited, "/v1/files")).status).toBe(200);
    const over = await api(limited, "/v1/files");
    expect(over.status).toBe(429);
    expect(over.body).toEqual({
      message: "Too many requests. Please try again later.",
      help: HELP,
    });
    expect(over.headers.get("x-ratelimit-limit")).toBe("3");
    expect(over.headers.get("x-ratelimit-interval")).toBe("60000");
    const reset = Number(over.headers.get("x-ratelimit-reset"));
    expect(reset).toBeGreaterThan(55_000);
    expect(reset).toBeLessThanOrEqual(60_000);
    expect(over.headers.get("retry-after")).toBe(String(Math.ceil(reset / 1000)));
    // Every management API shares the limit.
    expect((await api(limited, "/v1/customMetadataFields")).status).toBe(429);

    // "Except for upload API, all our APIs are rate-limited."
    for (let i = 0; i < 5; i++) {
      const res = await upload(limited, { file: blob(image), fileName: `u${i}.png` });
      expect(res.status).toBe(200);
    }
    // Nor is the file server.
    expect((await fetch(`${limited.url}/upkit-demo/nope.png`)).status).toBe(404);
    expect((await api(limited, "/v1/files")).status).toBe(429);
  });
});

describe("the CLI", () => {
  let child: ChildProcess | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "upkit-emulator-cli-"));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the URL, both keys and the endpoints, then `emulator ready`; SIGTERM stops it", async () => {
    // Flags only: the environment's emulator settings must not leak in.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(EMULATOR_|IMAGEKIT_)/.test(key)),
    );
    const spawned = spawn(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", "--port", "0", "--dir", dir],
      { cwd: join(import.meta.dirname, ".."), env, stdio: ["ignore", "pipe", "pipe"] },
    );
    child = spawned;
    let stdout = "";
    let stderr = "";
    spawned.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    spawned.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      spawned.once("exit", (code, signal) => resolve({ code, signal })),
    );
    const ready = await eventually(async () => /^emulator ready$/m.test(stdout), 20_000);
    expect(ready, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(true);

    const lines = stdout.split("\n");
    const url = /^ImageKit emulator at (http:\/\/127\.0\.0\.1:(\d+))$/.exec(lines[0] ?? "");
    expect(url, stdout).not.toBeNull();
    const [, base, port] = url as RegExpExecArray;
    expect(Number(port)).toBeGreaterThan(0);
    expect(lines.slice(1, 9)).toEqual([
      `  upload API     ${base}/api/v1/files/upload  (v2: ${base}/api/v2/files/upload)`,
      `  file API       ${base}/v1/files`,
      `  URL endpoint   http://localhost:${port}/upkit-demo`,
      "  public key     public_emulator_key",
      "  private key    private_emulator_key",
      "  limits         lite plan: 40 MB per file, 300 MB per video",
      `  data           ${dir}`,
      "emulator ready",
    ]);

    // The printed URL and key work.
    const health = await fetch(`${base}/_emulator/health`);
    expect(await health.json()).toEqual({ ok: true });
    const files = await fetch(`${base}/v1/files`, {
      headers: { authorization: basicAuth("private_emulator_key") },
    });
    expect(files.status).toBe(200);
    expect(await files.json()).toEqual([]);

    const stopping = Date.now();
    spawned.kill("SIGTERM");
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(5000);
    await expect(fetch(`${base}/_emulator/health`)).rejects.toThrow();
    expect(stderr).not.toMatch(/emulator:|Error/);
  }, 30_000);
});
