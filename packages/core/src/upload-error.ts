/**
 * Every code that goes over the wire, each with its one HTTP status. The first four are per-file
 * rejections (a file that breaks the restrictions), kept apart from request failures.
 */
export const ERROR_CODES = {
  "file-too-large": 413,
  // Not 413 (Content Too Large): nothing is too large. Like `too-many-files`, the request is
  // fine and the file is refused by a restriction.
  "file-too-small": 400,
  "file-invalid-type": 415,
  "too-many-files": 400,
  "bad-request": 400,
  "invalid-input": 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  "method-not-allowed": 405,
  conflict: 409,
  "rate-limited": 429,
  "upload-failed": 400,
  "upstream-error": 502,
  "upstream-timeout": 504,
  "internal-error": 500,
  // The server's shared state (e.g. Redis) cannot be reached: nothing was done, try again.
  "service-unavailable": 503,
} as const;

/**
 * Codes of the side that makes a request, never answered with, so they have no status: `aborted`
 * (the request was cancelled, or the other side went away) and `network-error` (no answer came).
 */
export const CLIENT_ERROR_CODES = ["aborted", "network-error"] as const;

export type WireErrorCode = keyof typeof ERROR_CODES;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
export type UploadErrorCode = WireErrorCode | ClientErrorCode;

/** True for a code that goes over the wire (one of `ERROR_CODES`). */
export function isWireErrorCode(code: unknown): code is WireErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}

/**
 * The codes a retry may get past, and how: the one table behind `UploadError#retryable` (the
 * engine's and the server's own retries) and `canRetry` (the engine's `retry(id)`, and whether a
 * UI offers Retry).
 * - `"auto"`: a passing failure (no answer, a 5xx, a 429): retried with backoff on its own, and
 *   offered to the user once those retries are spent.
 * - `"manual"`: stopped on this side, or the other side went away (`aborted`), or a clash with
 *   the server's state (`conflict`): never retried on its own, but a user's retry may go through.
 *
 * Any other code gets the same answer again (a refusal, bad input, a broken restriction, an
 * unknown profile: the other 4xx), so a retry is neither made nor offered; a new code is one of
 * those until it is listed here.
 */
export const RETRY_POLICY: { readonly [code in UploadErrorCode]?: "auto" | "manual" } = {
  "network-error": "auto",
  "rate-limited": "auto",
  "upstream-error": "auto",
  "upstream-timeout": "auto",
  "internal-error": "auto",
  "service-unavailable": "auto",
  aborted: "manual",
  // A clash with the server's state that passes (a tus upload locked by an earlier request or
  // missing bytes, a completion under way): a 4xx, so not retried on its own.
  conflict: "manual",
};

/** The codes a single file is rejected with before any byte is sent. */
export const REJECTION_CODES = [
  "file-too-large",
  "file-too-small",
  "file-invalid-type",
  "too-many-files",
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

/**
 * The wire form of an error: `{ error: { code, message, data? } }` (zod schema in protocol.ts),
 * and what `toJSON` gives. Only `ERROR_CODES` go over the wire: a client-only code's JSON is for
 * logs.
 */
export interface ErrorBody {
  error: { code: UploadErrorCode; message: string; data?: unknown };
}

/**
 * The code of an answer that is not ours, by its status (5xx: `upstream-error`, else
 * `bad-request`). tus's own 409 (offset mismatch) and 423 (locked by an earlier request) are
 * conflicts that a later try, resuming from the server's offset, gets past.
 */
const CODE_BY_STATUS: { readonly [status: number]: UploadErrorCode } = {
  401: "unauthorized",
  403: "forbidden",
  409: "conflict",
  423: "conflict",
  429: "rate-limited",
};

/**
 * The one error class of the kit. `toJSON` is what goes over the wire, `fromBody` rebuilds it on
 * the other side. `retryable` says whether it is retried on its own (network, 5xx, 429); see
 * `RETRY_POLICY`.
 */
export class UploadError extends Error {
  readonly code: UploadErrorCode;
  readonly data: unknown;
  /**
   * Seconds to wait before a retry (a fraction when the server said it in ms), from
   * `X-RateLimit-Reset` or `Retry-After`, where known. Retries wait at least this long.
   */
  readonly retryAfter: number | undefined;

  constructor(
    code: UploadErrorCode,
    message: string,
    options: { data?: unknown; cause?: unknown; retryAfter?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UploadError";
    this.code = code;
    this.data = options.data;
    this.retryAfter = options.retryAfter;
  }

  /** The code's HTTP status; `undefined` for a client-only code (`aborted`, `network-error`). */
  get status(): number | undefined {
    return isWireErrorCode(this.code) ? ERROR_CODES[this.code] : undefined;
  }

  /** Whether it is retried with backoff on its own (`RETRY_POLICY` says `"auto"`). */
  get retryable(): boolean {
    return RETRY_POLICY[this.code] === "auto";
  }

  toJSON(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.data === undefined ? {} : { data: this.data }),
      },
    };
  }

  /** Rebuilds an error from a response body; anything unreadable becomes a generic one by status. */
  static fromBody(body: unknown, status: number): UploadError {
    const error = (body as Partial<ErrorBody> | null)?.error;
    if (error && isWireErrorCode(error.code) && typeof error.message === "string") {
      return new UploadError(error.code, error.message, { data: error.data });
    }
    const code = status >= 500 ? "upstream-error" : (CODE_BY_STATUS[status] ?? "bad-request");
    return new UploadError(code, `Request failed with status ${status}`);
  }
}

export const isUploadError = (error: unknown): error is UploadError => error instanceof UploadError;

/**
 * Whether a user's retry of the file may help, which is when the engine's `retry(id)` acts and
 * the UI offers Retry: a canceled file, or one that failed with a code `RETRY_POLICY` lists (a
 * network loss, a 5xx, a 429, an abort, a conflict). A refusal (unauthorized, forbidden), bad
 * input, a type or size the server refused would fail the same way again.
 */
export function canRetry(file: {
  status: string;
  error?: { readonly code: UploadErrorCode } | undefined;
}): boolean {
  return (
    file.status === "canceled" ||
    // Failed without an error to judge by: nothing says a retry cannot help.
    (file.status === "error" && (!file.error || Object.hasOwn(RETRY_POLICY, file.error.code)))
  );
}
