import type { StateStore } from "./state/state-store";

/**
 * A profile's rate limit: `limit` requests per key in each fixed window of `windowMs`, counted
 * in the handler's store, so that instances sharing one store share the count.
 */
export class RateLimiter {
  constructor(
    private readonly store: StateStore,
    private readonly profile: string,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request; resolves the seconds to wait when over the limit, else undefined. */
  async hit(key: string): Promise<number | undefined> {
    const now = this.now();
    const window = Math.floor(now / this.windowMs);
    const count = await this.store.increment(
      `upkit:rate:${this.profile}:${window}:${key}`,
      this.windowMs,
    );
    if (count <= this.limit) return undefined;
    return Math.max(1, Math.ceil(((window + 1) * this.windowMs - now) / 1000));
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
