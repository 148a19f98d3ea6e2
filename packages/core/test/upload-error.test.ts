import { describe, expect, it } from "vitest";
import { UploadError } from "../src/upload-error";

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

  it("says which errors are worth retrying", () => {
    expect(new UploadError("upstream-error", "x").retryable).toBe(true);
    expect(new UploadError("rate-limited", "x").retryable).toBe(true);
    expect(new UploadError("file-too-large", "x").retryable).toBe(false);
    expect(new UploadError("forbidden", "x").retryable).toBe(false);
  });
});
