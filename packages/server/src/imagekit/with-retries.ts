export interface BackoffOptions {
  /** The first retry waits up to this long, ms; each further retry doubles it. */
  baseDelayMs: number;
  /** No wait is longer than this, ms, whatever the server asks for. */
  maxDelayMs: number;
  /** For tests; default `Math.random`. */
  random?: () => number;
}

export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Stops everything at once, a backoff wait included. */
  signal?: AbortSignal | undefined;
  /**
   * Whether a failure may be retried: `false` gives up (the error is thrown), `true` backs off,
   * a number is the wait the server asked for, in ms.
   */
  retryable: (error: unknown) => boolean | number;
}

/**
 * "Full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"): a random wait between
 * 0 and `min(max, base * 2^retry)`, so clients that failed together do not retry together.
 */
export function backoffDelay(
  retry: number,
  { baseDelayMs, maxDelayMs, random = Math.random }: BackoffOptions,
): number {
  return Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** retry));
}

/**
 * The wait a response asks for, in ms: ImageKit's `X-RateLimit-Reset` (ms to wait, fact sheet
 * §4) first, since it is more precise than `Retry-After`, which is whole seconds or an HTTP date.
 * `undefined` when neither header is present or readable.
 */
export function advisedDelayMs(headers: Headers, now: number = Date.now()): number | undefined {
  const reset = headers.get("x-ratelimit-reset")?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) return Math.ceil(Number(reset));
  const retryAfter = headers.get("retry-after")?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, its failure is not retryable, or the retries are used up;
 * then the last failure is thrown as it was. Between attempts it waits the server's advised time
 * (capped at `maxDelayMs`) or a jittered backoff.
 */
export async function withRetries<T>(
  attempt: (index: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  for (let index = 0; ; index += 1) {
    options.signal?.throwIfAborted();
    try {
      return await attempt(index);
    } catch (error) {
      const verdict = index < options.maxRetries ? options.retryable(error) : false;
      if (verdict === false) throw error;
      const delay =
        verdict === true
          ? backoffDelay(index, options)
          : Math.min(Math.max(0, verdict), options.maxDelayMs);
      await sleep(delay, options.signal);
    }
  }
}
