import { describe, expect, it } from "vitest";
import { advisedDelayMs, backoffDelay, sleep, withRetries } from "../../src/imagekit/with-retries";

describe("advisedDelayMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const headers = (init: Record<string, string>) => new Headers(init);

  it("prefers ImageKit's X-RateLimit-Reset (ms) over Retry-After", () => {
    expect(advisedDelayMs(headers({ "x-ratelimit-reset": "250", "retry-after": "1" }), now)).toBe(
      250,
    );
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(advisedDelayMs(headers({ "retry-after": "3" }), now)).toBe(3000);
    const date = new Date(now + 4000).toUTCString();
    expect(advisedDelayMs(headers({ "retry-after": date }), now)).toBe(4000);
    const past = new Date(now - 4000).toUTCString();
    expect(advisedDelayMs(headers({ "retry-after": past }), now)).toBe(0);
  });

  it("ignores missing or unreadable hints", () => {
    expect(advisedDelayMs(headers({}), now)).toBeUndefined();
    expect(advisedDelayMs(headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(advisedDelayMs(headers({ "x-ratelimit-reset": "-5", "retry-after": "2" }), now)).toBe(
      2000,
    );
  });
});

describe("backoffDelay", () => {
  it("is full jitter: between 0 and min(max, base * 2^retry)", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(0, { ...options, random: () => 0.999 })).toBe(99);
    expect(backoffDelay(3, { ...options, random: () => 0.5 })).toBe(400);
    expect(backoffDelay(10, { ...options, random: () => 0.999 })).toBe(999);
    expect(backoffDelay(2, { ...options, random: () => 0 })).toBe(0);
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

  it("waits the advised delay, capped at maxDelayMs", async () => {
    const started = performance.now();
    let calls = 0;
    const result = await withRetries(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error("429");
        return "ok";
      },
      { ...options, maxDelayMs: 60, retryable: () => 10_000 },
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
