import { describe, expect, it } from "vitest";
import { backoffDelay, retryAfterOf, sleep, withRetries } from "../src/retry";
import { UploadError } from "../src/upload-error";

describe("backoffDelay", () => {
  it("draws from 0 up to base × 2^retry, capped at 10 s (full jitter)", () => {
    expect(backoffDelay(0, undefined, { random: () => 0.5 })).toBe(250);
    expect(backoffDelay(2, undefined, { random: () => 0.5 })).toBe(1000);
    expect(backoffDelay(10, undefined, { random: () => 0.999 })).toBe(9990);
    expect(backoffDelay(3, undefined, { random: () => 0 })).toBe(0);
  });

  it("never waits less than the server's retryAfter, nor more than a minute for it", () => {
    expect(backoffDelay(0, 2, { random: () => 0.5 })).toBe(2000);
    expect(backoffDelay(5, 0.1, { random: () => 0.5 })).toBe(5000);
    expect(backoffDelay(0, 3600, { random: () => 0.5 })).toBe(60_000);
  });

  it("is full jitter: between 0 and min(max, base * 2^retry)", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, undefined, { ...options, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(3, undefined, { ...options, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(10, undefined, { ...options, random: () => 0.999 })).toBe(999);
    expect(backoffDelay(2, undefined, { ...options, random: () => 0 })).toBe(0);
  });
});

describe("retryAfterOf", () => {
  const headers = (values: Record<string, string>) => (name: string) => values[name] ?? null;

  it("prefers X-RateLimit-Reset (ms), then Retry-After (seconds or a date)", () => {
    expect(retryAfterOf(headers({ "x-ratelimit-reset": "250", "retry-after": "3" }))).toBe(0.25);
    expect(retryAfterOf(headers({ "retry-after": "3" }))).toBe(3);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(retryAfterOf(headers({ "retry-after": "Wed, 01 Jan 2025 00:00:10 GMT" }), now)).toBe(10);
    expect(retryAfterOf(headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(retryAfterOf(headers({}))).toBeUndefined();
  });

  it("reads a Fetch API Headers too, and a date in the past as no wait", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const get = (init: Record<string, string>) => {
      const values = new Headers(init);
      return (name: string) => values.get(name);
    };
    expect(retryAfterOf(get({ "x-ratelimit-reset": "250", "retry-after": "1" }), now)).toBe(0.25);
    const date = new Date(now + 4000).toUTCString();
    expect(retryAfterOf(get({ "retry-after": date }), now)).toBe(4);
    const past = new Date(now - 4000).toUTCString();
    expect(retryAfterOf(get({ "retry-after": past }), now)).toBe(0);
  });

  it("ignores an unreadable X-RateLimit-Reset for Retry-After", () => {
    expect(retryAfterOf(headers({ "x-ratelimit-reset": "-5", "retry-after": "2" }))).toBe(2);
  });
});

describe("withRetries", () => {
  const options = { baseDelayMs: 1, maxDelayMs: 5, maxRetries: 3 };

  it("retries what is retryable, up to maxRetries, then throws the last failure", async () => {
    let calls = 0;
    const failure = new Error("down");
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw failure;
        },
        { ...options, retryable: () => true },
      ),
    ).rejects.toBe(failure);
    expect(calls).toBe(4);
  });

  it("stops at the first failure that is not retryable", async () => {
    let calls = 0;
    await expect(
      withRetries(
        async () => {
          calls += 1;
          throw new Error("bad request");
        },
        { ...options, retryable: () => false },
      ),
    ).rejects.toThrow("bad request");
    expect(calls).toBe(1);
  });

  it("retries, by default, the UploadErrors that are retryable, and only those", async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls += 1;
      if (calls === 1) throw new UploadError("upstream-error", "ImageKit failed");
      return "ok";
    }, options);
    expect([result, calls]).toEqual(["ok", 2]);
    const refused = new UploadError("forbidden", "not yours");
    await expect(withRetries(() => Promise.reject(refused), options)).rejects.toBe(refused);
    const bug = new TypeError("x is not a function");
    await expect(withRetries(() => Promise.reject(bug), options)).rejects.toBe(bug);
  });

  it("waits the failure's retryAfter, capped at maxRetryAfterMs", async () => {
    const started = performance.now();
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls += 1;
        if (calls === 1) throw new UploadError("rate-limited", "429", { retryAfter: 10 });
        return "ok";
      },
      { ...options, maxRetryAfterMs: 60, retryable: () => true },
    );
    expect(result).toBe("ok");
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(58);
    expect(waited).toBeLessThan(500);
  });

  it("rejects a sleep with the signal's reason as soon as it aborts", async () => {
    const controller = new AbortController();
    const reason = new Error("caller left");
    setTimeout(() => controller.abort(reason), 10);
    const started = performance.now();
    await expect(sleep(5000, controller.signal)).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
