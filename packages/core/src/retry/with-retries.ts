import { UploadError } from "../upload-error";
import { type BackoffOptions, backoffDelay } from "./backoff-delay";
import { sleep } from "./sleep";

export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Stops everything at once, a backoff wait included. */
  signal?: AbortSignal | undefined;
  /** Whether a failure may be retried. Default: an `UploadError` that is `retryable`. */
  retryable?: (error: unknown) => boolean;
}

const isRetryable = (error: unknown) => error instanceof UploadError && error.retryable;

/**
 * Runs `attempt` until it succeeds, its failure is not retryable, or the retries are used up;
 * then the last failure is thrown as it was. Between attempts it waits `backoffDelay`, at least
 * the failure's `retryAfter` when it is an `UploadError` that has one.
 */
export async function withRetries<T>(
  attempt: (index: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const retryable = options.retryable ?? isRetryable;
  for (let index = 0; ; index += 1) {
    options.signal?.throwIfAborted();
    try {
      return await attempt(index);
    } catch (error) {
      if (index >= options.maxRetries || !retryable(error)) throw error;
      const retryAfter = error instanceof UploadError ? error.retryAfter : undefined;
      await sleep(backoffDelay(index, retryAfter, options), options.signal);
    }
  }
}
