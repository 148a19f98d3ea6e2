import type { DetailedError, HttpResponse } from "tus-js-client";
import { retryAfterOf } from "../retry/retry-after-of";
import { UploadError } from "../upload-error";
import { abortedError, parseBody, routeError } from "./fetch-json";

/** The server's answer a tus-js-client error carries, if any. */
function responseOf(error: unknown): HttpResponse | undefined {
  return (error as Partial<DetailedError> | undefined)?.originalResponse ?? undefined;
}

/**
 * Whether tus-js-client may retry: not a refusal (a 4xx other than 409 Conflict and 423 Locked,
 * which a lock held by an earlier request gives), and not while the browser says it is offline
 * (the engine's own retries wait for longer).
 */
export function isTusRetryable(error: DetailedError): boolean {
  const status = responseOf(error)?.getStatus() ?? 0;
  if (status >= 400 && status < 500 && status !== 409 && status !== 423) return false;
  return typeof navigator === "undefined" || navigator.onLine !== false;
}

/**
 * tus-js-client's error as the kit's: the route's `{ error: { code, message } }` answer rebuilt
 * (with the wait it asked for), else a network error, retryable by the engine.
 */
export function toTusError(error: unknown, signal: AbortSignal): UploadError {
  if (signal.aborted) return abortedError(signal);
  if (error instanceof UploadError) return error;
  const response = responseOf(error);
  if (!response) {
    return new UploadError("network-error", "The tus upload lost its connection", {
      cause: error,
    });
  }
  const body = parseBody(response.getBody() ?? "", response.getHeader("content-type") ?? null);
  return routeError(
    response.getStatus(),
    body,
    retryAfterOf((name) => response.getHeader(name) ?? null),
  );
}
