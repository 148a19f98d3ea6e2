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
 * The one error class of the kit. `toJSON` is what goes over the wire, `fromBody` rebuilds it on
 * the other side. `retryable` says whether trying again may help (network, 5xx, 429).
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

  get retryable(): boolean {
    return [
      "network-error",
      "upstream-error",
      "upstream-timeout",
      "rate-limited",
      "internal-error",
    ].includes(this.code);
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
    const code: UploadErrorCode =
      status === 429
        ? "rate-limited"
        : status >= 500
          ? "upstream-error"
          : status === 401
            ? "unauthorized"
            : status === 403
              ? "forbidden"
              : "bad-request";
    return new UploadError(code, `Request failed with status ${status}`);
  }
}

export const isUploadError = (error: unknown): error is UploadError => error instanceof UploadError;
