import { afterEach, describe, expect, it, vi } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import { UploadError } from "../../src/upload-error";
import { createFakeTransport, makeFile, openConfig } from "./fakes";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function setUp(retries?: number) {
  vi.useFakeTimers();
  // The top of every jitter range, so the waits are known.
  vi.spyOn(Math, "random").mockReturnValue(0.999999);
  const fake = createFakeTransport();
  const onUploadError = vi.fn();
  const uploader = createUploader({
    profile: "photos",
    config: openConfig,
    transports: { direct: fake.transport },
    onUploadError,
    ...(retries === undefined ? {} : { retries }),
  });
  return { uploader, fake, onUploadError };
}

describe("retries", () => {
  it("retries network errors, 5xx and 429 up to `retries` times with growing waits", async () => {
    const { uploader, fake, onUploadError } = setUp();
    await uploader.addFiles([makeFile("a.png")]);
    const errors = [
      new UploadError("network-error", "offline"),
      new UploadError("upstream-error", "ImageKit failed"),
      new UploadError("rate-limited", "slow down"),
      new UploadError("upstream-timeout", "too slow"),
    ];
    const waits = [500, 1000, 2000];
    for (const [index, error] of errors.entries()) {
      expect(fake.calls).toHaveLength(index + 1);
      fake.calls[index]?.fail(error);
      await vi.advanceTimersByTimeAsync(0);
      const wait = waits[index];
      if (wait === undefined) break;
      // Still the same run: uploading, showing why it waits.
      expect(uploader.getSnapshot().files[0]).toMatchObject({ status: "uploading", error });
      await vi.advanceTimersByTimeAsync(wait - 2);
      expect(fake.calls).toHaveLength(index + 1);
      await vi.advanceTimersByTimeAsync(2);
    }
    expect(fake.calls).toHaveLength(4);
    expect(uploader.getSnapshot().files[0]).toMatchObject({
      status: "error",
      attempts: 4,
      error: errors[3],
    });
    expect(onUploadError).toHaveBeenCalledTimes(1);
  });

  it("honours retryAfter", async () => {
    const { uploader, fake } = setUp();
    await uploader.addFiles([makeFile("a.png")]);
    fake.calls[0]?.fail(new UploadError("rate-limited", "slow down", { retryAfter: 5 }));
    await vi.advanceTimersByTimeAsync(4999);
    expect(fake.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls).toHaveLength(2);
    fake.calls[1]?.succeed();
    await uploader.settled();
    expect(uploader.getSnapshot().files[0]).toMatchObject({ status: "success", attempts: 2 });
    expect(uploader.getSnapshot().files[0]?.error).toBeUndefined();
  });

  it("uses the `retries` option, 0 included", async () => {
    const { uploader, fake } = setUp(0);
    await uploader.addFiles([makeFile("a.png")]);
    fake.calls[0]?.fail(new UploadError("network-error", "offline"));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fake.calls).toHaveLength(1);
    expect(uploader.getSnapshot().files[0]?.status).toBe("error");
  });

  it.each([
    ["upload-failed", "ImageKit refused"],
    ["invalid-input", "alt is required"],
    ["unauthorized", "sign in"],
    ["forbidden", "not yours"],
    ["bad-request", "expired token"],
    ["aborted", "aborted by the transport itself"],
  ] as const)("never retries %s", async (code, message) => {
    const { uploader, fake } = setUp();
    await uploader.addFiles([makeFile("a.png")]);
    fake.calls[0]?.fail(new UploadError(code, message));
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fake.calls).toHaveLength(1);
    expect(uploader.getSnapshot().files[0]).toMatchObject({ status: "error", error: { code } });
  });

  it("does not retry an unknown error (a bug), but reports it as an UploadError", async () => {
    const { uploader, fake, onUploadError } = setUp();
    await uploader.addFiles([makeFile("a.png")]);
    const bug = new TypeError("x is not a function");
    fake.calls[0]?.fail(bug);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fake.calls).toHaveLength(1);
    const error = onUploadError.mock.calls[0]?.[1] as UploadError;
    expect(error).toBeInstanceOf(UploadError);
    expect(error).toMatchObject({ code: "internal-error", message: bug.message, cause: bug });
  });

  it("does not retry a canceled upload, also while it waits", async () => {
    const { uploader, fake, onUploadError } = setUp();
    const [added] = await uploader.addFiles([makeFile("a.png")]);
    fake.calls[0]?.fail(new UploadError("network-error", "offline"));
    await vi.advanceTimersByTimeAsync(10);
    uploader.cancel(added?.id ?? "");
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fake.calls).toHaveLength(1);
    expect(uploader.getSnapshot().files[0]?.status).toBe("canceled");
    expect(onUploadError).not.toHaveBeenCalled();
    await uploader.settled();
  });

  it("keeps the slot while waiting, so the concurrency holds", async () => {
    vi.useFakeTimers();
    const fake = createFakeTransport();
    const uploader = createUploader({
      profile: "photos",
      concurrency: 1,
      config: openConfig,
      transports: { direct: fake.transport },
    });
    await uploader.addFiles([makeFile("a.png"), makeFile("b.png")]);
    fake.calls[0]?.fail(new UploadError("network-error", "offline"));
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.calls).toHaveLength(1);
    expect(uploader.getSnapshot().isUploading).toBe(true);
  });
});
