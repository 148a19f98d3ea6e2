import { describe, expect, it } from "vitest";
import { errorBodySchema } from "../src/protocol";
import { ERROR_CODES, REJECTION_CODES, UploadError } from "../src/upload-error";

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
  });
});
