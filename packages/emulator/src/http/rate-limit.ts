import type { IncomingMessage, ServerResponse } from "node:http";
import { ImageKitError, MESSAGES } from "./imagekit-error";
import { sendJson } from "./respond";

export interface RateLimitConfig {
  /** Requests allowed per interval. */
  limit: number;
  /** Interval length, ms. */
  intervalMs: number;
}

/**
 * Answers 429 the way ImageKit's rate-limit docs describe: `{ message, help }` with
 * `X-RateLimit-Limit` (requests per interval), `X-RateLimit-Reset` (ms to wait) and
 * `X-RateLimit-Interval` (interval length, ms), plus `Retry-After` (whole seconds, rounded up)
 * for generic HTTP clients.
 */
export function sendRateLimited(
  res: ServerResponse,
  { limit, intervalMs, resetMs }: RateLimitConfig & { resetMs: number },
): void {
  const reset = Math.max(0, Math.ceil(resetMs));
  sendJson(res, 429, new ImageKitError(429, MESSAGES.tooManyRequests).toJSON(), {
    "X-RateLimit-Limit": String(limit),
    "X-RateLimit-Reset": String(reset),
    "X-RateLimit-Interval": String(intervalMs),
    "Retry-After": String(Math.ceil(reset / 1000)),
  });
}

/** Only the management APIs (`/v1/...`) are limited; uploads (`/api/...`) are not, as documented. */
export function isRateLimited(method: string | undefined, pathname: string): boolean {
  return method !== "OPTIONS" && (pathname === "/v1" || pathname.startsWith("/v1/"));
}

type ConfigSource = RateLimitConfig | undefined | (() => RateLimitConfig | undefined);

/**
 * A fixed-window limiter over all management API requests of the (single) account: a window
 * opens with the first request and lasts `intervalMs`; the `limit + 1`-th request inside it gets a
 * 429 until the window ends. Given a function, the config is read on every request, so changing
 * `options.rateLimit` at runtime takes effect at once (a changed config starts a new window).
 */
export class RateLimiter {
  private windowStart = 0;
  private count = 0;
  private configKey = "";
  private readonly config: () => RateLimitConfig | undefined;

  constructor(
    config: ConfigSource,
    private readonly now: () => number = Date.now,
  ) {
    this.config = typeof config === "function" ? config : () => config;
  }

  /**
   * Counts one request: `undefined` when it may go on (or no limit is configured), else the
   * values of the 429 to answer.
   */
  hit(): (RateLimitConfig & { resetMs: number }) | undefined {
    const config = this.config();
    if (!config) return undefined;
    const { limit, intervalMs } = config;
    const now = this.now();
    const key = `${limit}/${intervalMs}`;
    if (key !== this.configKey || now >= this.windowStart + intervalMs) {
      this.configKey = key;
      this.windowStart = now;
      this.count = 0;
    }
    this.count += 1;
    if (this.count <= limit) return undefined;
    return { limit, intervalMs, resetMs: this.windowStart + intervalMs - now };
  }

  /**
   * Counts the request if it is a management API one (`/v1/...`, not `OPTIONS`); `"handled"`
   * when it was answered with a 429 (stop there), `"continue"` otherwise.
   */
  check(req: IncomingMessage, res: ServerResponse, pathname = pathOf(req)): "handled" | "continue" {
    if (!isRateLimited(req.method, pathname)) return "continue";
    const over = this.hit();
    if (!over) return "continue";
    sendRateLimited(res, over);
    req.resume();
    return "handled";
  }

  /** Forgets the current window. */
  reset(): void {
    this.windowStart = 0;
    this.count = 0;
    this.configKey = "";
  }
}

/**
 * Function form for the request listener, which calls it for `/v1/...` requests only:
 * `"limited"` when the 429 has been sent. Pass `() => ctx.options.rateLimit` to follow runtime
 * changes, or the config itself.
 */
export function createRateLimiter(
  config: ConfigSource,
  now: () => number = Date.now,
): (res: ServerResponse, req?: IncomingMessage) => "limited" | "allowed" {
  const limiter = new RateLimiter(config, now);
  return (res, req) => {
    const over = limiter.hit();
    if (!over) return "allowed";
    sendRateLimited(res, over);
    req?.resume();
    return "limited";
  };
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? "/", "http://emulator").pathname;
}
