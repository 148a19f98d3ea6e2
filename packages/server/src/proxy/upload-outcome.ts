import { UploadError } from "@upkit/core";

/**
 * How one proxy upload ends: with a result, or with its first failure. The stages report their
 * failures here; the first one stands and stops everything else: `signal` aborts the upstream
 * request (ImageKit discards a request whose body never ended) and every wait raced against
 * `failed`, so none outlives a failure.
 */
export interface UploadOutcome<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  /** Records `error` unless a failure came first, and returns the failure that stands. */
  fail(error: unknown): unknown;
  /** The failure that stands, or undefined while none came. */
  readonly error: unknown;
  /** Aborted with the first failure. */
  readonly signal: AbortSignal;
  /** Rejects with the first failure: raced against every wait, so none outlives a failure. */
  readonly failed: Promise<never>;
  /** Throws the failure that stands, if any: a stage resuming after a wait stops there. */
  throwIfFailed(): void;
}

export function createUploadOutcome<T>(): UploadOutcome<T> {
  const stop = new AbortController();
  let failure: unknown;
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const failed = new Promise<never>((_, rej) => {
    stop.signal.addEventListener("abort", () => rej(failure), { once: true });
  });
  failed.catch(() => {});

  return {
    promise,
    resolve,
    fail(error) {
      if (failure !== undefined) return failure;
      failure = error ?? new UploadError("internal-error", "The proxy upload failed");
      reject(failure);
      stop.abort(failure);
      return failure;
    },
    get error() {
      return failure;
    },
    signal: stop.signal,
    failed,
    throwIfFailed() {
      if (failure !== undefined) throw failure;
    },
  };
}
