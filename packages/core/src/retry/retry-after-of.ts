const NUMBER = /^\d+(\.\d+)?$/;

/**
 * The wait a response asks for, in seconds: ImageKit's `X-RateLimit-Reset` (ms to wait, per its
 * API introduction's rate-limit section) first, since it is more precise than `Retry-After` (whole seconds or an HTTP date).
 * `undefined` when neither header is there or readable. `header` reads one response header
 * (`(name) => response.headers.get(name)`, or an XHR's `getResponseHeader`).
 */
export function retryAfterOf(
  header: (name: string) => string | null,
  now: number = Date.now(),
): number | undefined {
  const reset = header("x-ratelimit-reset")?.trim();
  if (reset && NUMBER.test(reset)) return Number(reset) / 1000;
  const retryAfter = header("retry-after")?.trim();
  if (!retryAfter) return undefined;
  if (NUMBER.test(retryAfter)) return Number(retryAfter);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - now) / 1000);
}
