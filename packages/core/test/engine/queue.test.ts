import { afterEach, describe, expect, it, vi } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import { UploadError } from "../../src/upload-error";
import { createFakeTransport, makeFile, openConfig, tick } from "./fakes";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function setUp(options: { concurrency?: number; autoUpload?: boolean; retries?: number } = {}) {
  const fake = createFakeTransport();
  const callbacks = {
    onUploadBegin: vi.fn(),
    onUploadComplete: vi.fn(),
    onUploadError: vi.fn(),
    onUploadAborted: vi.fn(),
  };
  const uploader = createUploader<{ saved: boolean }>({
    profile: "photos",
    config: openConfig,
    transports: { direct: fake.transport },
    ...options,
    ...callbacks,
  });
  return { uploader, fake, ...callbacks };
}

const names = (count: number) => Array.from({ length: count }, (_, i) => makeFile(`f${i}.png`));

describe("the queue", () => {
  it("starts files in order, never more than `concurrency` at once", async () => {
    const { uploader, fake } = setUp({ concurrency: 2 });
    await uploader.addFiles(names(5));
    expect(fake.calls.map((call) => call.context.file.name)).toEqual(["f0.png", "f1.png"]);
    expect(uploader.getSnapshot().totals).toMatchObject({ uploading: 2, queued: 3 });

    fake.calls[1]?.succeed({ saved: true });
    await tick();
    expect(fake.calls.map((call) => call.context.file.name)).toEqual([
      "f0.png",
      "f1.png",
      "f2.png",
    ]);
    while (fake.pending().length > 0) {
      for (const call of fake.pending()) call.succeed({ saved: true });
      await tick();
    }
    await uploader.settled();
    expect(fake.maxRunning()).toBe(2);
    expect(fake.calls.map((call) => call.context.file.name)).toEqual(
      names(5).map((file) => file.name),
    );
    expect(uploader.getSnapshot().files.map((file) => file.status)).toEqual(
      Array(5).fill("success"),
    );
  });

  it("defaults to 3 at once", async () => {
    const { uploader, fake } = setUp();
    await uploader.addFiles(names(10));
    expect(fake.pending()).toHaveLength(3);
  });

  it("reports the result and the server's data", async () => {
    const { uploader, fake, onUploadBegin, onUploadComplete } = setUp();
    const [added] = await uploader.addFiles([makeFile("a.png", 42)]);
    expect(onUploadBegin).toHaveBeenCalledWith(expect.objectContaining({ id: added?.id }));
    fake.calls[0]?.succeed({ saved: true });
    await uploader.settled();
    const file = uploader.getSnapshot().files[0];
    expect(file).toMatchObject({
      status: "success",
      progress: 1,
      bytesSent: 42,
      attempts: 1,
      transport: "direct",
      data: { saved: true },
      result: { fileId: "id-a.png" },
    });
    expect(onUploadComplete).toHaveBeenCalledWith(file);
  });

  it("passes the profile, endpoint, fetch and per-file input to the transport", async () => {
    const fake = createFakeTransport();
    const fetch = vi.fn() as unknown as typeof globalThis.fetch;
    const uploader = createUploader<unknown, { alt: string }>({
      profile: "photos",
      endpoint: "/custom/",
      fetch,
      config: openConfig,
      transports: { direct: fake.transport },
      input: (file) => ({ alt: `alt of ${file.name}` }),
    });
    await uploader.addFiles([makeFile("a.png")]);
    expect(fake.calls[0]?.context).toMatchObject({
      profile: "photos",
      endpoint: "/custom",
      fetch,
      input: { alt: "alt of a.png" },
    });
  });

  it("waits for start() when autoUpload is false", async () => {
    const { uploader, fake } = setUp({ autoUpload: false });
    await uploader.addFiles(names(2));
    expect(fake.calls).toHaveLength(0);
    expect(uploader.getSnapshot()).toMatchObject({ isUploading: false, totals: { queued: 2 } });
    await uploader.settled(); // nothing is running: resolves at once
    uploader.start();
    expect(fake.calls).toHaveLength(2);
    expect(uploader.getSnapshot().isUploading).toBe(true);
  });

  it("stops saying it is uploading once the last file is done, for a listener that read it", async () => {
    const { uploader, fake } = setUp();
    const seen: boolean[] = [];
    // Like useSyncExternalStore: every notification reads (and caches) a snapshot.
    uploader.subscribe(() => seen.push(uploader.getSnapshot().isUploading));
    await uploader.addFiles(names(1));
    fake.calls[0]?.succeed();
    await uploader.settled();
    await tick();
    expect(uploader.getSnapshot().isUploading).toBe(false);
    expect(seen.at(-1)).toBe(false);
  });

  it("settled() waits for files still being added", async () => {
    const { uploader, fake } = setUp();
    let release: (files: File[]) => void = () => {};
    uploader.setOptions({
      onBeforeUpload: () => new Promise((resolve) => (release = resolve)),
    });
    const adding = uploader.addFiles(names(1));
    let settled = false;
    void uploader.settled().then(() => (settled = true));
    await tick();
    release(names(1));
    await adding;
    fake.calls[0]?.succeed();
    await tick();
    expect(settled).toBe(true);
  });
});

describe("cancel, retry, remove", () => {
  it("cancel aborts the transport's signal, marks the file canceled and frees the slot", async () => {
    const { uploader, fake, onUploadAborted, onUploadError } = setUp({ concurrency: 1 });
    const [first] = await uploader.addFiles(names(2));
    uploader.cancel(first?.id ?? "");
    expect(fake.calls[0]?.context.signal.aborted).toBe(true);
    await tick();
    const [canceled] = uploader.getSnapshot().files;
    expect(canceled?.status).toBe("canceled");
    expect(onUploadAborted).toHaveBeenCalledWith(canceled);
    expect(onUploadError).not.toHaveBeenCalled();
    expect(fake.calls).toHaveLength(2);
    expect(uploader.getSnapshot().totals.files).toBe(1);
  });

  it("cancel of a queued file keeps it from starting", async () => {
    const { uploader, fake } = setUp({ concurrency: 1 });
    const [, second] = await uploader.addFiles(names(2));
    uploader.cancel(second?.id ?? "");
    fake.calls[0]?.succeed();
    await uploader.settled();
    expect(fake.calls).toHaveLength(1);
  });

  it("a failed file can be retried by hand", async () => {
    const { uploader, fake, onUploadError } = setUp({ retries: 0 });
    const [added] = await uploader.addFiles(names(1));
    const down = new UploadError("upstream-error", "ImageKit is down");
    fake.calls[0]?.fail(down);
    await uploader.settled();
    expect(uploader.getSnapshot().files[0]).toMatchObject({ status: "error", error: down });
    expect(onUploadError).toHaveBeenCalledWith(expect.objectContaining({ status: "error" }), down);
    expect(uploader.getSnapshot().totals.failed).toBe(1);

    uploader.retry(added?.id ?? "");
    expect(fake.calls).toHaveLength(2);
    fake.calls[1]?.succeed();
    await uploader.settled();
    expect(uploader.getSnapshot().files[0]).toMatchObject({ status: "success", attempts: 2 });
    expect(uploader.getSnapshot().files[0]?.error).toBeUndefined();
  });

  it.each([
    new UploadError("unauthorized", "Sign in to upload."),
    new UploadError("forbidden", "Only admins may upload"),
    new UploadError("file-invalid-type", "photo.png is not an accepted type (application/pdf)"),
    new UploadError("file-too-large", "photo.png is larger than 1 MB"),
    new UploadError("invalid-input", "alt is required"),
    new UploadError("upload-failed", "ImageKit refused the upload"),
  ])("a failure a retry cannot get past is not retried by hand: $code", async (refused) => {
    const { uploader, fake } = setUp({ retries: 0 });
    const [added] = await uploader.addFiles(names(1));
    fake.calls[0]?.fail(refused);
    await uploader.settled();
    uploader.retry(added?.id ?? "");
    uploader.retryAll();
    expect(fake.calls).toHaveLength(1);
    expect(uploader.getSnapshot().files[0]).toMatchObject({ status: "error", error: refused });
  });

  it("a canceled file can be retried; a rejected one cannot", async () => {
    const { uploader, fake } = setUp();
    const [added] = await uploader.addFiles(names(1));
    uploader.cancel(added?.id ?? "");
    uploader.retry(added?.id ?? "");
    expect(uploader.getSnapshot().files[0]?.status).toBe("uploading");
    expect(fake.calls).toHaveLength(2);
  });

  it("remove drops the file and aborts it when in flight", async () => {
    const { uploader, fake, onUploadAborted } = setUp();
    const [a, b] = await uploader.addFiles(names(2));
    fake.calls[1]?.succeed();
    await tick();
    uploader.remove(b?.id ?? "");
    expect(onUploadAborted).not.toHaveBeenCalled();
    uploader.remove(a?.id ?? "");
    expect(fake.calls[0]?.aborted).toBe(true);
    expect(onUploadAborted).toHaveBeenCalledTimes(1);
    expect(uploader.getSnapshot().files).toEqual([]);
    expect(uploader.getSnapshot().totals.files).toBe(0);
  });

  it("cancelAll cancels everything without starting queued files in between", async () => {
    const { uploader, fake, onUploadAborted } = setUp({ concurrency: 2 });
    await uploader.addFiles(names(5));
    fake.calls[0]?.succeed();
    await tick();
    uploader.cancelAll();
    await uploader.settled();
    expect(fake.calls).toHaveLength(3);
    expect(uploader.getSnapshot().files.map((file) => file.status)).toEqual([
      "success",
      "canceled",
      "canceled",
      "canceled",
      "canceled",
    ]);
    expect(onUploadAborted).toHaveBeenCalledTimes(4);
  });

  it("retryAll retries the failed files a retry can help, in order, within the concurrency", async () => {
    const { uploader, fake } = setUp({ concurrency: 2, retries: 0 });
    const added = await uploader.addFiles(names(5));
    const lost = new UploadError("network-error", "offline");
    fake.calls[0]?.fail(lost);
    fake.calls[1]?.succeed();
    await tick();
    fake.calls[2]?.fail(new UploadError("invalid-input", "no"));
    await tick();
    fake.calls[3]?.fail(new UploadError("rate-limited", "slow down"));
    uploader.cancel(added[4]?.id ?? "");
    await uploader.settled();
    uploader.retryAll();
    expect(fake.pending().map((call) => call.context.file.name)).toEqual(["f0.png", "f3.png"]);
    expect(uploader.getSnapshot().files.map((file) => file.status)).toEqual([
      "uploading",
      "success",
      "error",
      "uploading",
      "canceled",
    ]);
  });

  it("destroy aborts everything, without callbacks", async () => {
    const { uploader, fake, onUploadAborted } = setUp({ concurrency: 1 });
    const listener = vi.fn();
    uploader.subscribe(listener);
    await uploader.addFiles(names(2));
    await tick();
    listener.mockClear();
    uploader.destroy();
    await tick();
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.aborted).toBe(true);
    expect(uploader.getSnapshot().files.map((file) => file.status)).toEqual([
      "canceled",
      "canceled",
    ]);
    expect(onUploadAborted).not.toHaveBeenCalled();
    expect(listener).not.toHaveBeenCalled();
    await uploader.settled();
  });

  it("setOptions swaps the callbacks without recreating the engine", async () => {
    const { uploader, fake, onUploadComplete } = setUp();
    const replacement = vi.fn();
    uploader.setOptions({ onUploadComplete: replacement });
    await uploader.addFiles(names(1));
    fake.calls[0]?.succeed();
    await uploader.settled();
    expect(onUploadComplete).not.toHaveBeenCalled();
    expect(replacement).toHaveBeenCalledTimes(1);
  });
});

describe("pause and resume", () => {
  it("do nothing with a transport that cannot resume", async () => {
    const { uploader, fake } = setUp();
    const [added] = await uploader.addFiles(names(1));
    uploader.pause(added?.id ?? "");
    expect(fake.calls[0]?.aborted).toBe(false);
    expect(uploader.getSnapshot().files[0]?.status).toBe("uploading");
  });

  it("stop a resumable upload, free its slot and go on from its bytes", async () => {
    const tus = createFakeTransport("tus", true);
    const uploader = createUploader({
      profile: "videos",
      concurrency: 1,
      transport: "tus",
      config: { restrictions: {}, transports: ["tus"] },
      transports: { tus: tus.transport },
    });
    const [big, next] = await uploader.addFiles([makeFile("a.mp4", 1000), makeFile("b.mp4", 10)]);
    tus.calls[0]?.progress(400);
    uploader.pause(big?.id ?? "");
    expect(tus.calls[0]?.aborted).toBe(true);
    await tick();
    expect(uploader.getSnapshot().files[0]).toMatchObject({ status: "paused", bytesSent: 400 });
    expect(tus.calls[1]?.context.file.name).toBe("b.mp4");

    uploader.resume(big?.id ?? "");
    expect(uploader.getSnapshot().files[0]?.status).toBe("queued");
    tus.calls[1]?.succeed();
    await tick();
    expect(tus.calls[2]?.context.file.name).toBe("a.mp4");
    expect(uploader.getSnapshot().files[0]).toMatchObject({ status: "uploading", bytesSent: 400 });
    uploader.pause(next?.id ?? ""); // finished: nothing to pause
    expect(uploader.getSnapshot().files[1]?.status).toBe("success");
  });
});
