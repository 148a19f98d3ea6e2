import { describe, expect, it } from "vitest";
import { errorBodySchema } from "../src/protocol";
import {
  CLIENT_ERROR_CODES,
  canRetry,
  ERROR_CODES,
  REJECTION_CODES,
  RETRY_POLICY,
  UploadError,
  type UploadErrorCode,
} from "../src/upload-error";

describe("UploadError", () => {
  it("maps each code to one status and crosses the wire as { code, message, data }", () => {
    const error = new UploadError("file-too-large", "big.png is larger than 1 MB", {
      data: { max: 1 },
    });
    expect(error.status).toBe(413);
    const body = JSON.parse(JSON.stringify(error));
    expect(body).toEqual({
      error: { code: "file-too-large", message: "big.png is larger than 1 MB", data: { max: 1 } },
    });
    const rebuilt = UploadError.fromBody(body, 413);
    expect(rebuilt).toBeInstanceOf(UploadError);
    expect([rebuilt.code, rebuilt.message, rebuilt.data]).toEqual([
      error.code,
      error.message,
      error.data,
    ]);
  });

  it("rebuilds something sensible from a body that is not ours", () => {
    expect(UploadError.fromBody("<html>", 502).code).toBe("upstream-error");
    expect(UploadError.fromBody({}, 429).code).toBe("rate-limited");
    expect(UploadError.fromBody(null, 401).code).toBe("unauthorized");
    expect(UploadError.fromBody("", 403).code).toBe("forbidden");
    // tus's own answers: an offset mismatch, a lock an earlier request still holds.
    expect(UploadError.fromBody("ERR_INVALID_OFFSET", 409).code).toBe("conflict");
    expect(UploadError.fromBody("ERR_LOCK_TIMEOUT", 423).code).toBe("conflict");
    expect(UploadError.fromBody("", 404).code).toBe("bad-request");
  });

  it("keeps client-only codes out of the status table and off the wire", () => {
    expect(new UploadError("aborted", "x").status).toBeUndefined();
    expect(new UploadError("network-error", "x").status).toBeUndefined();
    expect(Object.keys(ERROR_CODES)).not.toContain("aborted");
    const aborted = JSON.parse(JSON.stringify(new UploadError("aborted", "gone")));
    expect(errorBodySchema.safeParse(aborted).success).toBe(false);
    expect(UploadError.fromBody(aborted, 400).code).toBe("bad-request");
    // Only the table's own codes: not one that every object has.
    expect(UploadError.fromBody({ error: { code: "toString", message: "x" } }, 400).code).toBe(
      "bad-request",
    );
  });

  it("rejects a file under minFileSize with file-too-small, a 400", () => {
    expect(REJECTION_CODES).toContain("file-too-small");
    const error = new UploadError("file-too-small", "tiny.png is smaller than 1 kB");
    expect(error.status).toBe(400);
    expect(errorBodySchema.parse(JSON.parse(JSON.stringify(error))).error.code).toBe(
      "file-too-small",
    );
  });

  it("says which errors are worth retrying", () => {
    expect(new UploadError("upstream-error", "x").retryable).toBe(true);
    expect(new UploadError("rate-limited", "x").retryable).toBe(true);
    expect(new UploadError("file-too-large", "x").retryable).toBe(false);
    expect(new UploadError("forbidden", "x").retryable).toBe(false);
    // Stopped on this side: not retried on its own, but a user may try again.
    expect(new UploadError("aborted", "x").retryable).toBe(false);
  });

  it("decides in one table, for every code, whether a retry may help", () => {
    const codes = [...Object.keys(ERROR_CODES), ...CLIENT_ERROR_CODES] as UploadErrorCode[];
    const offered = codes.filter((code) =>
      canRetry({ status: "error", error: new UploadError(code, "x") }),
    );
    expect(Object.keys(RETRY_POLICY).sort()).toEqual(offered.sort());
    expect(offered.sort()).toEqual([
      "aborted",
      "conflict",
      "internal-error",
      "network-error",
      "rate-limited",
      "service-unavailable",
      "upstream-error",
      "upstream-timeout",
    ]);
    // What is retried on its own: every 5xx and 429 the server answers, and a lost connection.
    const automatic = codes.filter((code) => new UploadError(code, "x").retryable);
    expect(automatic.sort()).toEqual(
      [
        ...Object.entries(ERROR_CODES)
          .filter(([, status]) => status >= 500 || status === 429)
          .map(([code]) => code),
        "network-error",
      ].sort(),
    );
    // Not a code, though every object has it.
    expect(canRetry({ status: "error", error: { code: "toString" as UploadErrorCode } })).toBe(
      false,
    );
  });

  it("lets a user retry a canceled or retryable failed file, and nothing else", () => {
    const error = (code: UploadErrorCode) => new UploadError(code, "x");
    expect(canRetry({ status: "canceled" })).toBe(true);
    expect(canRetry({ status: "error", error: error("network-error") })).toBe(true);
    expect(canRetry({ status: "error", error: error("aborted") })).toBe(true);
    expect(canRetry({ status: "error", error: error("conflict") })).toBe(true);
    expect(canRetry({ status: "error", error: error("unauthorized") })).toBe(false);
    expect(canRetry({ status: "error", error: error("file-invalid-type") })).toBe(false);
    // A plain { code } (a snapshot that went through JSON) is judged by its code.
    expect(canRetry({ status: "error", error: { code: "rate-limited" } })).toBe(true);
    for (const status of ["success", "uploading", "queued", "paused", "rejected", "processing"]) {
      expect(canRetry({ status, error: error("network-error") }), status).toBe(false);
    }
  });
});
