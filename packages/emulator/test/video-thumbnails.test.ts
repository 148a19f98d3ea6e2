import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ImageKit from "@imagekit/nodejs";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { buildMp4 } from "./media/fixtures";
import { blob, png } from "./support/images";
import { startEmulator, type TestEmulator, upload } from "./support/start-emulator";

/**
 * Video thumbnails (`<file URL>/ik-thumbnail.jpg`) through real HTTP and the real `ffmpeg`
 * (`scripts/test` installs Debian's). The fixtures are 2 s, 64 x 48, 10 fps: red for the first
 * second, blue for the second. Made once with:
 *
 *   ffmpeg -f lavfi -i color=c=red:s=64x48:r=10:d=1 -f lavfi -i color=c=blue:s=64x48:r=10:d=1 \
 *     -filter_complex "[0][1]concat=n=2:v=1:a=0" -g 10 -map_metadata -1 -fflags +bitexact \
 *     -c:v libx264 -preset veryslow -pix_fmt yuv420p -movflags +faststart red-then-blue.mp4
 *   (the same with -c:v libvpx-vp9 -b:v 0 -crf 40, no -movflags, for red-then-blue.webm)
 */
const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name));
const MP4 = fixture("red-then-blue.mp4");
const WEBM = fixture("red-then-blue.webm");

let emulator: TestEmulator;

interface Uploaded {
  url: string;
  filePath: string;
  fileType: string;
  width?: number;
  height?: number;
  thumbnailUrl?: string;
}

async function put(file: Buffer, fileName: string, extra: Record<string, string> = {}) {
  const res = await upload(emulator, {
    file: blob(file),
    fileName,
    folder: "/videos",
    useUniqueFileName: "false",
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Uploaded;
}

/** Fetches a file URL through the emulator's own address, path and query kept as they are. */
function get(fileUrl: string, init?: RequestInit): Promise<Response> {
  const url = new URL(fileUrl);
  return fetch(`${emulator.url}${fileUrl.slice(url.origin.length)}`, init);
}

/** Decodes an image answer: format, size and the first pixel. */
async function picture(response: Response) {
  const data = Buffer.from(await response.arrayBuffer());
  expect(response.status, data.toString().slice(0, 200)).toBe(200);
  const { data: pixels, info } = await sharp(data)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const format = (await sharp(data).metadata()).format;
  return {
    format,
    width: info.width,
    height: info.height,
    pixel: [pixels[0], pixels[1], pixels[2]] as [number, number, number],
    contentType: response.headers.get("content-type"),
    source: response.headers.get("x-emulator-thumbnail"),
  };
}

const isRed = ([r, g, b]: number[]) =>
  (r as number) > 200 && (g as number) < 60 && (b as number) < 60;
const isBlue = ([r, g, b]: number[]) =>
  (r as number) < 60 && (g as number) < 60 && (b as number) > 200;

const thumbnailOf = (file: Uploaded) => `${file.url}/ik-thumbnail.jpg`;

beforeAll(async () => {
  emulator = await startEmulator();
});

afterAll(async () => {
  await emulator?.dispose();
});

describe.each([
  { name: "MP4 (H.264)", file: MP4, fileName: "red-then-blue.mp4", mime: "video/mp4" },
  { name: "WebM (VP9)", file: WEBM, fileName: "red-then-blue.webm", mime: "video/webm" },
])("video thumbnails: $name", ({ file, fileName, mime }) => {
  let video: Uploaded;

  beforeAll(async () => {
    video = await put(file, fileName);
  });

  it("is a non-image of the video's size; a thumbnailUrl, where given, has ImageKit's video form", async () => {
    expect(video).toMatchObject({ fileType: "non-image", width: 64, height: 48 });
    // ImageKit's documented video upload response has no thumbnailUrl (the OpenAPI example),
    // and its video thumbnail URL is `<url>/ik-thumbnail.jpg`, never the images' named one.
    if (video.thumbnailUrl !== undefined) expect(video.thumbnailUrl).toBe(thumbnailOf(video));
    const original = await get(video.url);
    expect(original.headers.get("content-type")).toBe(mime);
  });

  it("serves the first frame as a JPEG at <url>/ik-thumbnail.jpg", async () => {
    const thumb = await picture(await get(thumbnailOf(video)));
    expect(thumb).toMatchObject({
      format: "jpeg",
      contentType: "image/jpeg",
      width: 64,
      height: 48,
      source: "frame",
    });
    expect(isRed(thumb.pixel), `first pixel ${thumb.pixel}`).toBe(true);
  });

  it("resizes it with ?tr=w-32 and with a tr: path segment", async () => {
    expect(await picture(await get(`${thumbnailOf(video)}?tr=w-32`))).toMatchObject({
      width: 32,
      height: 24,
      format: "jpeg",
    });
    const pathForm = `${emulator.urlEndpoint}/tr:w-20,h-20${video.filePath}/ik-thumbnail.jpg`;
    const square = await picture(await get(pathForm));
    expect(square).toMatchObject({ width: 20, height: 20, format: "jpeg" });
    expect(isRed(square.pixel)).toBe(true);
  });

  it("takes the frame at so-<seconds>", async () => {
    const later = await picture(await get(`${thumbnailOf(video)}?tr=so-1.5`));
    expect(isBlue(later.pixel), `pixel at 1.5 s ${later.pixel}`).toBe(true);
    const first = await picture(await get(`${thumbnailOf(video)}?tr=so-0,w-16`));
    expect(first).toMatchObject({ width: 16, height: 12 });
    expect(isRed(first.pixel)).toBe(true);
  });

  it("refuses an offset at or past the end, and so- anywhere but a thumbnail", async () => {
    const past = await get(`${thumbnailOf(video)}?tr=so-2`);
    expect(past.status).toBe(400);
    expect(((await past.json()) as { message: string }).message).toMatch(/duration/);
    expect((await get(`${thumbnailOf(video)}?tr=so-1.234`)).status).toBe(400);
    expect((await get(`${video.url}?tr=so-1`)).status).toBe(400);
  });
});

describe("video thumbnails: serving", () => {
  let video: Uploaded;

  beforeAll(async () => {
    video = await put(MP4, "served.mp4");
  });

  it("answers HEAD, and 304 to the ETag, and f- changes the format", async () => {
    const head = await get(thumbnailOf(video), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("image/jpeg");
    const etag = head.headers.get("etag") as string;
    expect((await get(thumbnailOf(video), { headers: { "if-none-match": etag } })).status).toBe(
      304,
    );
    expect(await picture(await get(`${thumbnailOf(video)}?tr=f-png`))).toMatchObject({
      format: "png",
      contentType: "image/png",
    });
  });

  it("ignores the documented /ik-video.mp4 suffix before ik-thumbnail.jpg", async () => {
    const thumb = await picture(await get(`${video.url}/ik-video.mp4/ik-thumbnail.jpg?tr=w-10`));
    expect(thumb).toMatchObject({ width: 10, format: "jpeg" });
  });

  it("gives a new version's frame after an overwrite (same URL)", async () => {
    const before = await get(thumbnailOf(video));
    const etag = before.headers.get("etag");
    await put(WEBM, "served.mp4");
    const after = await get(thumbnailOf(video));
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(isRed((await picture(after)).pixel)).toBe(true);
  });

  it("needs a signed URL for a private video, as other renditions do", async () => {
    const secret = await put(MP4, "secret.mp4", { isPrivateFile: "true" });
    expect((await get(thumbnailOf(secret))).status).toBe(401);
    const signed = new ImageKit({ privateKey: emulator.privateKey }).helper.buildSrc({
      src: `${secret.filePath}/ik-thumbnail.jpg`,
      urlEndpoint: emulator.urlEndpoint,
      signed: true,
      expiresIn: 300,
      transformation: [{ width: 32 }],
    });
    expect(await picture(await get(signed))).toMatchObject({ width: 32, source: "frame" });
  });

  it("makes an image's thumbnail from the image, as a JPEG", async () => {
    const res = await upload(emulator, {
      file: blob(await png(40, 30, { r: 255, g: 0, b: 0, alpha: 1 })),
      fileName: "red.png",
      folder: "/images",
    });
    const image = res.body as Uploaded;
    const thumb = await picture(await get(`${thumbnailOf(image)}?tr=w-20`));
    expect(thumb).toMatchObject({ format: "jpeg", width: 20, height: 15, source: "image" });
    expect(isRed(thumb.pixel)).toBe(true);
    expect((await get(`${thumbnailOf(image)}?tr=so-1`)).status).toBe(400);
  });

  it("answers 400 for a file that is neither image nor video, 404 for no file", async () => {
    const res = await upload(emulator, {
      file: blob(Buffer.from("just text")),
      fileName: "notes.txt",
      folder: "/docs",
    });
    const text = res.body as Uploaded;
    expect((await get(thumbnailOf(text))).status).toBe(400);
    expect((await get(`${emulator.urlEndpoint}/videos/none.mp4/ik-thumbnail.jpg`)).status).toBe(
      404,
    );
  });
});

describe("video thumbnails: the placeholder", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it("is served for a video ffmpeg cannot decode, at the video's size, not a 500", async () => {
    // Container headers (640 x 360, 5 s) but no decodable frame.
    const broken = await put(buildMp4(), "broken.mp4");
    expect(broken).toMatchObject({ fileType: "non-image", width: 640, height: 360 });
    for (let i = 0; i < 2; i++) {
      const thumb = await picture(await get(thumbnailOf(broken)));
      expect(thumb).toMatchObject({
        format: "jpeg",
        width: 640,
        height: 360,
        source: "placeholder; reason=undecodable",
      });
    }
    expect(await picture(await get(`${thumbnailOf(broken)}?tr=w-32`))).toMatchObject({
      width: 32,
      height: 18,
    });
  });

  it("is served when ffmpeg is missing, which is logged once; the frame comes once it is back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "no-ffmpeg-"));
    try {
      const video = await put(MP4, "while-missing.mp4");
      vi.stubEnv("EMULATOR_FFMPEG_PATH", join(dir, "ffmpeg"));
      const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
      for (const url of [thumbnailOf(video), `${thumbnailOf(video)}?tr=w-32`]) {
        const thumb = await picture(await get(url));
        expect(thumb).toMatchObject({
          format: "jpeg",
          source: "placeholder; reason=ffmpeg-missing",
        });
        expect(isRed(thumb.pixel)).toBe(false);
      }
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/ffmpeg/);

      vi.unstubAllEnvs();
      const thumb = await picture(await get(thumbnailOf(video)));
      expect(thumb).toMatchObject({ source: "frame", width: 64, height: 48 });
      expect(isRed(thumb.pixel)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
