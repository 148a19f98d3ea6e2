import { chmod, copyFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canExtractFrame, extractVideoFrame } from "../../src/media/extract-video-frame";
import { parseTransformation, TransformationError } from "../../src/media/parse-transformation";
import { PLACEHOLDER_SIZE, placeholderSize } from "../../src/media/placeholder-frame";

const fixtures = join(import.meta.dirname, "..", "fixtures");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "extract-frame-test-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function firstPixel(path: string) {
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  return { pixel: [data[0], data[1], data[2]], width: info.width, height: info.height };
}

describe("extractVideoFrame (real ffmpeg)", () => {
  it.each([
    ["red-then-blue.mp4", "video/mp4"],
    ["red-then-blue.webm", "video/webm"],
  ])("writes the first frame of %s as a PNG, and the frame at an offset", async (name, mime) => {
    const out = join(dir, `${name}.png`);
    expect(await extractVideoFrame(join(fixtures, name), mime, out)).toEqual({ ok: true });
    expect((await sharp(out).metadata()).format).toBe("png");
    const first = await firstPixel(out);
    expect(first).toMatchObject({ width: 64, height: 48 });
    expect(first.pixel[0]).toBeGreaterThan(200);
    expect(first.pixel[2]).toBeLessThan(60);

    const later = join(dir, `${name}-later.png`);
    expect(
      await extractVideoFrame(join(fixtures, name), mime, later, { offsetSeconds: 1.5 }),
    ).toEqual({ ok: true });
    const blue = await firstPixel(later);
    expect(blue.pixel[0]).toBeLessThan(60);
    expect(blue.pixel[2]).toBeGreaterThan(200);
  });

  it("passes paths as arguments, never through a shell", async () => {
    const odd = join(dir, "a b; touch pwned $(id) -i.mp4");
    await copyFile(join(fixtures, "red-then-blue.mp4"), odd);
    const out = join(dir, "-odd out.png");
    expect(await extractVideoFrame(odd, "video/mp4", out)).toEqual({ ok: true });
    expect((await readdir(dir)).includes("pwned")).toBe(false);
  });

  it("reports a damaged file, or an offset past the end, as failed and leaves no output", async () => {
    const junk = join(dir, "junk.mp4");
    await writeFile(junk, Buffer.alloc(4096, 7));
    const out = join(dir, "junk.png");
    const damaged = await extractVideoFrame(junk, "video/mp4", out);
    expect(damaged).toMatchObject({ ok: false, reason: "failed" });
    const past = await extractVideoFrame(join(fixtures, "red-then-blue.mp4"), "video/mp4", out, {
      offsetSeconds: 30,
    });
    expect(past).toMatchObject({ ok: false, reason: "failed" });
    expect((await readdir(dir)).includes("junk.png")).toBe(false);
  });

  it("reports a missing ffmpeg as missing", async () => {
    const result = await extractVideoFrame(
      join(fixtures, "red-then-blue.mp4"),
      "video/mp4",
      join(dir, "none.png"),
      { ffmpeg: join(dir, "no-such-ffmpeg") },
    );
    expect(result).toMatchObject({ ok: false, reason: "missing" });
  });

  it("kills an ffmpeg that runs past the timeout", async () => {
    const slow = join(dir, "slow-ffmpeg");
    await writeFile(slow, "#!/bin/sh\nexec sleep 30\n");
    await chmod(slow, 0o755);
    const started = Date.now();
    const result = await extractVideoFrame(
      join(fixtures, "red-then-blue.mp4"),
      "video/mp4",
      join(dir, "slow.png"),
      { ffmpeg: slow, timeoutMs: 300 },
    );
    expect(result).toMatchObject({
      ok: false,
      reason: "failed",
      detail: expect.stringMatching(/timeout/),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("forces a demuxer per MIME type, and takes no frames from types without one", () => {
    for (const mime of ["video/mp4", "video/webm", "video/quicktime", "video/matroska"]) {
      expect(canExtractFrame(mime)).toBe(true);
    }
    // AVI's probed subtitle streams can hold a playlist that opens other files.
    expect(canExtractFrame("video/vnd.avi")).toBe(false);
    expect(canExtractFrame("image/png")).toBe(false);
  });
});

describe("so- (start offset)", () => {
  it("is read only where a video thumbnail asks for it", () => {
    const parsed = parseTransformation("so-1.5,w-32", { startOffset: true });
    expect(parsed.steps).toEqual([{ startOffset: 1.5, width: { value: 32, relative: false } }]);
    expect(parsed.canonical).toBe("w-32,so-1.5");
    expect(parseTransformation("so-0", { startOffset: true }).steps).toEqual([{ startOffset: 0 }]);
    expect(() => parseTransformation("so-1")).toThrow(/does not support the "so" parameter/);
  });

  it("takes seconds with up to 2 decimals", () => {
    for (const bad of ["so-1.234", "so--1", "so-abc", "so-"]) {
      expect(() => parseTransformation(bad, { startOffset: true }), bad).toThrow(
        TransformationError,
      );
    }
  });
});

describe("placeholderSize", () => {
  it("is the video's size, fitted inside 1920 x 1920, or 640 x 360 when unknown", () => {
    expect(placeholderSize({ width: 64, height: 48 })).toEqual({ width: 64, height: 48 });
    expect(placeholderSize({ width: 7680, height: 4320 })).toEqual({ width: 1920, height: 1080 });
    expect(placeholderSize({})).toEqual(PLACEHOLDER_SIZE);
    expect(placeholderSize(undefined)).toEqual(PLACEHOLDER_SIZE);
  });
});
