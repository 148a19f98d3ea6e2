import { afterEach, describe, expect, it, vi } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import { PROGRESS_INTERVAL_MS } from "../../src/engine/defaults";
import { smoothSpeed } from "../../src/engine/progress-meter";
import { createFakeTransport, makeFile, openConfig, tick } from "./fakes";

const MB = 1024 * 1024;

afterEach(() => {
  vi.useRealTimers();
});

function setUp() {
  const fake = createFakeTransport();
  const onUploadProgress = vi.fn();
  const uploader = createUploader({
    profile: "photos",
    config: openConfig,
    transports: { direct: fake.transport },
    onUploadProgress,
  });
  return { uploader, fake, onUploadProgress };
}

describe("progress", () => {
  it("weights the totals by bytes: 1 MB done and 9 MB not started is 10%", async () => {
    vi.useFakeTimers();
    const { uploader, fake } = setUp();
    await uploader.addFiles([makeFile("small.png", MB), makeFile("big.png", 9 * MB)]);
    fake.calls[0]?.progress(MB);
    const { files, totals } = uploader.getSnapshot();
    expect(files.map((file) => file.progress)).toEqual([1, 0]);
    expect(totals).toMatchObject({ files: 2, bytes: 10 * MB, bytesSent: MB, progress: 0.1 });
  });

  it("leaves rejected and canceled files out of the totals", async () => {
    const { uploader, fake } = setUp();
    uploader.setOptions({});
    const [, canceled] = await uploader.addFiles([makeFile("a.png", 100), makeFile("b.png", 900)]);
    uploader.cancel(canceled?.id ?? "");
    fake.calls[0]?.succeed();
    await uploader.settled();
    expect(uploader.getSnapshot().totals).toMatchObject({
      files: 1,
      bytes: 100,
      bytesSent: 100,
      progress: 1,
      succeeded: 1,
    });
  });

  it("switches to processing once every byte is sent", async () => {
    const { uploader, fake } = setUp();
    await uploader.addFiles([makeFile("a.png", 100)]);
    fake.calls[0]?.progress(100);
    expect(uploader.getSnapshot().files[0]).toMatchObject({ status: "processing", eta: 0 });
    expect(uploader.getSnapshot().totals.uploading).toBe(1);
    fake.calls[0]?.succeed();
    await tick();
    expect(uploader.getSnapshot().files[0]?.status).toBe("success");
  });

  it("smooths the speed over samples and derives the ETA from it", async () => {
    vi.useFakeTimers();
    const { uploader, fake } = setUp();
    await uploader.addFiles([makeFile("a.mp4", 10 * MB)]);
    const call = fake.calls[0];
    vi.advanceTimersByTime(1000);
    call?.progress(MB);
    let file = uploader.getSnapshot().files[0];
    expect(file?.speed).toBe(MB);
    expect(file?.eta).toBe(9);

    vi.advanceTimersByTime(1000);
    call?.progress(3 * MB); // 2 MB/s over the last second
    file = uploader.getSnapshot().files[0];
    expect(file?.speed).toBeCloseTo(0.3 * 2 * MB + 0.7 * MB);
    expect(file?.eta).toBeCloseTo((7 * MB) / (1.3 * MB));
    expect(uploader.getSnapshot().totals.speed).toBeCloseTo(1.3 * MB);
    expect(uploader.getSnapshot().totals.eta).toBeCloseTo((7 * MB) / (1.3 * MB));
  });

  it("sums the speeds of the running files in the totals", async () => {
    vi.useFakeTimers();
    const { uploader, fake } = setUp();
    await uploader.addFiles([makeFile("a.mp4", 10 * MB), makeFile("b.mp4", 10 * MB)]);
    vi.advanceTimersByTime(1000);
    fake.calls[0]?.progress(MB);
    fake.calls[1]?.progress(2 * MB);
    expect(uploader.getSnapshot().totals).toMatchObject({
      speed: 3 * MB,
      eta: (17 * MB) / (3 * MB),
    });
  });

  it("throttles a file's progress to one update per interval, keeping the last value", async () => {
    vi.useFakeTimers();
    const { uploader, fake, onUploadProgress } = setUp();
    await uploader.addFiles([makeFile("a.mp4", 10 * MB)]);
    const call = fake.calls[0];
    // 50 XHR progress events within the first interval: one update, at its end, with the last.
    for (let i = 1; i <= 50; i++) {
      call?.progress(i * 1000);
      vi.advanceTimersByTime(1);
    }
    expect(onUploadProgress).not.toHaveBeenCalled();
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    expect(onUploadProgress).toHaveBeenCalledTimes(1);
    expect(uploader.getSnapshot().files[0]?.bytesSent).toBe(50_000);
    // Ten seconds of events every 10 ms: about ten updates a second.
    for (let i = 1; i <= 1000; i++) {
      call?.progress(50_000 + i * 1000);
      vi.advanceTimersByTime(10);
    }
    expect(onUploadProgress.mock.calls.length).toBeGreaterThanOrEqual(95);
    expect(onUploadProgress.mock.calls.length).toBeLessThanOrEqual(105);
  });

  it("starts over from 0 on a new attempt of a transport that cannot resume", async () => {
    const { uploader, fake } = setUp();
    const [added] = await uploader.addFiles([makeFile("a.png", 100)]);
    fake.calls[0]?.progress(100);
    uploader.cancel(added?.id ?? "");
    uploader.retry(added?.id ?? "");
    expect(uploader.getSnapshot().files[0]).toMatchObject({ bytesSent: 0, progress: 0 });
  });
});

describe("the store", () => {
  it("returns the same snapshot until something changes, then a new one", async () => {
    vi.useFakeTimers();
    const { uploader, fake } = setUp();
    const empty = uploader.getSnapshot();
    expect(uploader.getSnapshot()).toBe(empty);
    await uploader.addFiles([makeFile("a.png", 100)]);
    const before = uploader.getSnapshot();
    expect(before).not.toBe(empty);
    expect(empty.files).toEqual([]);
    expect(uploader.getSnapshot()).toBe(before);

    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    fake.calls[0]?.progress(50);
    const after = uploader.getSnapshot();
    expect(after).not.toBe(before);
    expect(before.files[0]?.bytesSent).toBe(0);
    expect(after.files[0]?.bytesSent).toBe(50);
  });

  it("hands out frozen snapshots", async () => {
    const { uploader } = setUp();
    await uploader.addFiles([makeFile("a.png")]);
    const snapshot = uploader.getSnapshot();
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot.files)).toBe(true);
    expect(Object.isFrozen(snapshot.files[0])).toBe(true);
    expect(Object.isFrozen(snapshot.totals)).toBe(true);
  });

  it("keeps the unchanged files' objects from one snapshot to the next", async () => {
    vi.useFakeTimers();
    const { uploader, fake } = setUp();
    await uploader.addFiles([makeFile("a.png", 100), makeFile("b.png", 100)]);
    const before = uploader.getSnapshot();
    vi.advanceTimersByTime(PROGRESS_INTERVAL_MS);
    fake.calls[0]?.progress(50);
    const after = uploader.getSnapshot();
    expect(after.files[0]).not.toBe(before.files[0]);
    expect(after.files[1]).toBe(before.files[1]);
  });

  it("batches notifications: adding 1,000 files notifies a handful of times", async () => {
    const { uploader } = setUp();
    const listener = vi.fn();
    const unsubscribe = uploader.subscribe(listener);
    const files = Array.from({ length: 1000 }, (_, i) => makeFile(`f${i}.png`));
    await uploader.addFiles(files);
    await tick();
    expect(uploader.getSnapshot().files).toHaveLength(1000);
    expect(listener.mock.calls.length).toBeGreaterThan(0);
    expect(listener.mock.calls.length).toBeLessThanOrEqual(3);

    listener.mockClear();
    uploader.cancelAll();
    await tick();
    expect(listener).toHaveBeenCalledTimes(1);

    unsubscribe();
    uploader.retryAll();
    await tick();
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe("smoothSpeed", () => {
  it("takes the first rate as is, then moves 30% of the way to each new one", () => {
    expect(smoothSpeed(0, 1000, 1)).toBe(1000);
    expect(smoothSpeed(1000, 2000, 1)).toBeCloseTo(1300);
  });

  it("keeps the speed when no time passed or the bytes went back", () => {
    expect(smoothSpeed(500, 1000, 0)).toBe(500);
    expect(smoothSpeed(500, -10, 1)).toBe(500);
  });
});
