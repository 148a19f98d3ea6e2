/**
 * The signal of one attempt: aborted when the caller's `signal` is, or after `timeoutMs` without
 * progress. An idle timeout, not a total one: each `touch` (a chunk of the body going out)
 * restarts it, so a 300 MB proxy upload from a slow browser is not cut off, while a stalled
 * ImageKit still is. `beforeAbort` runs first, while fetch still holds the connection.
 */
export function attemptGuard(
  signal: AbortSignal | undefined,
  timeoutMs: number,
  beforeAbort: () => void,
): { signal: AbortSignal; touch(): void; timedOut(): boolean; done(): void } {
  const controller = new AbortController();
  let timedOut = false;
  const abort = () => {
    beforeAbort();
    controller.abort();
  };
  const expire = () => {
    timedOut = true;
    abort();
  };
  let timer = setTimeout(expire, timeoutMs);
  if (signal?.aborted) abort();
  else signal?.addEventListener("abort", abort, { once: true });
  return {
    signal: controller.signal,
    touch() {
      clearTimeout(timer);
      timer = setTimeout(expire, timeoutMs);
    },
    timedOut: () => timedOut,
    done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    },
  };
}
