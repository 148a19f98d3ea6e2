import { createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createRateLimiter,
  isRateLimited,
  type RateLimitConfig,
  RateLimiter,
} from "../../src/http/rate-limit";
import { sendJson } from "../../src/http/respond";

let clock = 1_000_000;
const now = () => clock;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function limitedServer(config: () => RateLimitConfig | undefined) {
  const limiter = new RateLimiter(config, now);
  const server = createServer((req, res) => {
    if (limiter.check(req, res) === "handled") return;
    req.resume();
    sendJson(res, 200, { ok: true });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  const call = (path: string, method = "GET") =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>(
      (resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path, method, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        });
        req.on("error", reject);
        req.end();
      },
    );
  return { call, limiter };
}

describe("rate limiter", () => {
  it("answers 429 with the three X-RateLimit-* headers once the window's limit is used up", async () => {
    clock = 1_000_000;
    const { call } = await limitedServer(() => ({ limit: 2, intervalMs: 10_000 }));
    expect((await call("/v1/files")).status).toBe(200);
    clock += 4000;
    expect((await call("/v1/files/abc/details")).status).toBe(200);
    clock += 1500;
    const limited = await call("/v1/customMetadataFields", "POST");
    expect(limited.status).toBe(429);
    expect(limited.headers["x-ratelimit-limit"]).toBe("2");
    expect(limited.headers["x-ratelimit-interval"]).toBe("10000");
    expect(limited.headers["x-ratelimit-reset"]).toBe("4500");
    expect(limited.headers["retry-after"]).toBe("5");
    expect(JSON.parse(limited.body)).toEqual({
      message: expect.any(String),
      help: expect.stringContaining("support@imagekit.io"),
    });

    clock += 4500; // the window is over
    expect((await call("/v1/files")).status).toBe(200);
  });

  it("never limits uploads, other paths or preflights", async () => {
    clock = 1_000_000;
    const { call } = await limitedServer(() => ({ limit: 1, intervalMs: 10_000 }));
    for (let i = 0; i < 3; i++) {
      expect((await call("/api/v1/files/upload", "POST")).status).toBe(200);
      expect((await call("/upkit-demo/a.jpg")).status).toBe(200);
      expect((await call("/v1/files", "OPTIONS")).status).toBe(200);
    }
    expect(isRateLimited("GET", "/v1")).toBe(true);
    expect(isRateLimited("GET", "/v10/x")).toBe(false);
  });

  it("follows runtime changes of the config, and is off without one", async () => {
    clock = 1_000_000;
    let config: RateLimitConfig | undefined;
    const { call } = await limitedServer(() => config);
    for (let i = 0; i < 5; i++) expect((await call("/v1/files")).status).toBe(200);
    config = { limit: 1, intervalMs: 1000 };
    expect((await call("/v1/files")).status).toBe(200);
    expect((await call("/v1/files")).status).toBe(429);
    config = { limit: 3, intervalMs: 1000 };
    expect((await call("/v1/files")).status).toBe(200);
  });

  it("createRateLimiter: function form for the request listener", () => {
    clock = 5000;
    const limit = createRateLimiter({ limit: 1, intervalMs: 2000 }, now);
    const headers: Record<string, string> = {};
    const fakeRes = {
      writeHead: (_status: number, h: Record<string, string>) => Object.assign(headers, h),
      end: () => {},
    } as unknown as Parameters<typeof limit>[0];
    expect(limit(fakeRes)).toBe("allowed");
    clock += 500;
    expect(limit(fakeRes)).toBe("limited");
    expect(headers).toMatchObject({
      "X-RateLimit-Limit": "1",
      "X-RateLimit-Reset": "1500",
      "X-RateLimit-Interval": "2000",
      "Retry-After": "2",
    });
    clock += 1500;
    expect(limit(fakeRes)).toBe("allowed");
    expect(createRateLimiter(undefined)(fakeRes)).toBe("allowed");
  });
});
