export interface BackoffOptions {
  /** The first retry waits up to this long, ms; each further retry doubles it. Default 500. */
  baseDelayMs?: number;
  /** No backoff is longer than this, ms. Default 10 000. */
  maxDelayMs?: number;
  /** A server asking for a longer wait than this, ms, is not waited for in full. Default 60 000. */
  maxRetryAfterMs?: number;
  /** For tests; default `Math.random`. */
  random?: () => number;
}

/**
 * The wait before retry number `retry` (0-based), ms: "full jitter" (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"), a random wait between 0 and `min(max, base * 2^retry)`, so
 * clients that failed together do not retry together; but never shorter than the server's
 * `retryAfter` (seconds, as `UploadError.retryAfter` holds it), itself capped.
 */
export function backoffDelay(
  retry: number,
  retryAfter?: number,
  {
    baseDelayMs = 500,
    maxDelayMs = 10_000,
    maxRetryAfterMs = 60_000,
    random = Math.random,
  }: BackoffOptions = {},
): number {
  const backoff = Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** retry));
  if (retryAfter === undefined) return backoff;
  return Math.max(backoff, Math.min(maxRetryAfterMs, Math.ceil(retryAfter * 1000)));
}
