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
  // `touch` runs for every chunk of a proxied body (thousands per GiB): it only notes the time,
  // and the timer, when it fires, waits again for whatever is left of the idle time.
  let lastTouch = performance.now();
  const check = () => {
    const idle = performance.now() - lastTouch;
    if (idle >= timeoutMs) expire();
    else timer = setTimeout(check, timeoutMs - idle);
  };
  let timer = setTimeout(check, timeoutMs);
  if (signal?.aborted) abort();
  else signal?.addEventListener("abort", abort, { once: true });
  return {
    signal: controller.signal,
    touch() {
      lastTouch = performance.now();
    },
    timedOut: () => timedOut,
    done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
    },
  };
}
