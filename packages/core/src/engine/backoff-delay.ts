const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 10_000;
/** A server asking for a longer wait than this is not waited for in full. */
const RETRY_AFTER_MAX_MS = 60_000;

/**
 * The wait before retry number `retry` (0-based): exponential backoff with full jitter, so many
 * clients failing together do not retry together, but never shorter than the server's
 * `retryAfter` (seconds).
 */
export function backoffDelay(
  retry: number,
  retryAfter: number | undefined,
  random: () => number = Math.random,
): number {
  const backoff = Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** retry));
  if (retryAfter === undefined) return backoff;
  return Math.max(backoff, Math.min(RETRY_AFTER_MAX_MS, Math.ceil(retryAfter * 1000)));
}

/** Resolves after `ms`; rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
