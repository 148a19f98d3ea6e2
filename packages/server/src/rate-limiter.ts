/**
 * The default in-memory rate limit: a fixed window per key. Good for one instance; behind many
 * instances pass a `rateLimit` hook backed by a shared store.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request; returns the seconds to wait when over the limit, else undefined. */
  hit(key: string): number | undefined {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      if (this.windows.size > 10_000) this.sweep(now);
    }
    window.count++;
    if (window.count <= this.limit) return undefined;
    return Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows)
      if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}

/** Whether `X-Forwarded-For` is to be believed: `true` for one proxy in front, or how many. */
export type TrustProxy = boolean | number;

/**
 * The client's address, for the default rate-limit key. `X-Forwarded-For` is read only when the
 * deployment says proxies write it (`trustProxy`), and then from the right: each proxy appends
 * the address it saw, so the entry `trustProxy` places from the end is the one our own nearest
 * proxy vouches for, and whatever the client wrote before it is ignored. Otherwise the
 * adapter's socket address; with neither (a runtime that exposes no address), one shared key.
 */
export function clientAddress(
  request: Request,
  trustProxy: TrustProxy,
  socketAddress: string | undefined,
): string {
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : Math.max(0, trustProxy);
  if (hops > 0) {
    const chain = (request.headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    const vouched = chain[Math.max(0, chain.length - hops)];
    if (vouched) return vouched;
  }
  return socketAddress || "unknown";
}
