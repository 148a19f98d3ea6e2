import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { probeFile } from "../../src/media/probe-file";
import {
  buildMp4,
  buildWebm,
  halvesImage,
  jpegWithExif,
  redAlphaPng,
  TRUNCATED_PNG,
  tempDir,
} from "./fixtures";

const tmp = tempDir("probe-file-");
afterAll(() => tmp.remove());

describe("probeFile: images", () => {
  it("reads a PNG with alpha: size, alpha, colour, legacy metadata", async () => {
    const path = tmp.write("red.png", await redAlphaPng());
    const info = await probeFile(path, "whatever.bin");
    expect(info).toMatchObject({
      mime: "image/png",
      fileType: "image",
      kind: "image",
      width: 200,
      height: 100,
      hasAlpha: true,
      dominantColor: "red",
      embeddedMetadata: {},
    });
    expect(info.metadata).toMatchObject({
      width: 200,
      height: 100,
      format: "png",
      hasTransparency: true,
      hasColorProfile: false,
      quality: 0,
      density: 72,
      exif: { image: {}, thumbnail: {}, exif: {}, gps: {}, interoperability: {}, makernote: {} },
    });
    expect(info.metadata.size).toBeGreaterThan(0);
    expect(info.metadata.pHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("reads EXIF and XMP of a JPEG into embeddedMetadata and the legacy exif block", async () => {
    const path = tmp.write("photo.jpg", await jpegWithExif());
    const info = await probeFile(path, "photo.jpg");
    expect(info).toMatchObject({ mime: "image/jpeg", width: 64, height: 32, hasAlpha: false });
    expect(info.dominantColor).toBe("blue");
    expect(info.embeddedMetadata).toMatchObject({
      Make: "Acme",
      Model: "Cam 1",
      Copyright: "(c) Upkit",
      ImageDescription: "Blue",
      DateTimeOriginal: "2024-01-02T03:04:05.000Z",
      Title: "Sunset",
      Description: "Sun over the sea",
      ImageWidth: 64,
      ImageHeight: 32,
    });
    // Plain JSON only: survives a round trip unchanged.
    expect(JSON.parse(JSON.stringify(info.embeddedMetadata))).toEqual(info.embeddedMetadata);
    const exif = info.metadata.exif as Record<string, Record<string, unknown>>;
    expect(exif.image).toMatchObject({ Make: "Acme", Model: "Cam 1" });
    expect(exif.exif).toMatchObject({ DateTimeOriginal: "2024:01:02 03:04:05" });
    expect(info.metadata.format).toBe("jpg");
    expect(info.metadata.quality).toBeGreaterThanOrEqual(78);
    expect(info.metadata.quality).toBeLessThanOrEqual(82);
  });

  it("reports the EXIF orientation and the stored pixel size", async () => {
    const path = tmp.write("rotated.jpg", await jpegWithExif(6));
    const info = await probeFile(path, "rotated.jpg");
    expect(info).toMatchObject({ orientation: 6, width: 64, height: 32 });
  });

  it("gives one pHash per picture, whatever its size", async () => {
    const a = await probeFile(tmp.write("a.png", await halvesImage("png", 200, 100)), "a.png");
    const b = await probeFile(tmp.write("b.png", await halvesImage("png", 400, 200)), "b.png");
    const flipped = await sharp(await halvesImage("png"))
      .flop()
      .png()
      .toBuffer();
    const c = await probeFile(tmp.write("c.png", flipped), "c.png");
    expect(a.metadata.pHash).toBe(b.metadata.pHash);
    expect(a.metadata.pHash).not.toBe(c.metadata.pHash);
  });

  it("survives ImageKit's truncated PNG example: image by magic bytes, no size", async () => {
    const path = tmp.write("broken.png", TRUNCATED_PNG);
    const info = await probeFile(path, "broken.png");
    expect(info).toMatchObject({ mime: "image/png", fileType: "image", kind: "image" });
    expect(info.width).toBeUndefined();
    expect(info.height).toBeUndefined();
    expect(info.embeddedMetadata).toEqual({});
  });

  it("does not throw on a cut-off PNG signature or a PNG whose data is cut off", async () => {
    const signature = await probeFile(tmp.write("sig", Buffer.from([0x89, 0x50, 0x4e])), "sig");
    expect(signature.mime).toBe("image/png");
    const half = (await redAlphaPng()).subarray(0, 60);
    const cut = await probeFile(tmp.write("cut.png", half), "cut.png");
    expect(cut).toMatchObject({ mime: "image/png", fileType: "image" });
  });

  it("reads an SVG (text) by its extension", async () => {
    const svg = [
      '<svg xmlns="http://www.w3.org/2000/svg" width="30" height="20">',
      '<rect width="30" height="20" fill="lime"/></svg>',
    ].join("");
    const info = await probeFile(tmp.write("logo.svg", svg), "logo.svg");
    expect(info).toMatchObject({ mime: "image/svg+xml", fileType: "image", width: 30, height: 20 });
    // With an XML prolog the bytes say "XML": a text format, typed by its extension all the same.
    const prolog = await probeFile(
      tmp.write("prolog.svg", `<?xml version="1.0" encoding="UTF-8"?>\n${svg}`),
      "prolog.svg",
    );
    expect(prolog).toMatchObject({ mime: "image/svg+xml", fileType: "image", width: 30 });
    expect(info.dominantColor).toBe("lime");
  });
});

describe("probeFile: other files", () => {
  it("types text by extension and unknown extension-less files as octet-stream", async () => {
    const text = await probeFile(tmp.write("notes.txt", "hello"), "notes.txt");
    expect(text).toMatchObject({ mime: "text/plain", fileType: "non-image", kind: "other" });
    const json = await probeFile(tmp.write("data.json", "{}"), "data.json");
    expect(json.mime).toBe("application/json");
    const bare = await probeFile(tmp.write("README", "hello"), "README");
    expect(bare.mime).toBe("application/octet-stream");
  });

  it("trusts bytes over the name: a text file named .jpg is not an image", async () => {
    const info = await probeFile(tmp.write("fake.jpg", "not a jpeg"), "fake.jpg");
    expect(info).toMatchObject({ mime: "application/octet-stream", fileType: "non-image" });
  });

  it("finds a PDF by magic bytes", async () => {
    const pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    const info = await probeFile(tmp.write("doc", pdf), "doc");
    expect(info).toMatchObject({ mime: "application/pdf", fileType: "non-image", kind: "other" });
  });

  it("reads an MP4's size, duration and codecs (moov after mdat)", async () => {
    const mp4 = buildMp4();
    const info = await probeFile(tmp.write("clip.mp4", mp4), "clip.mp4");
    expect(info).toMatchObject({
      mime: "video/mp4",
      fileType: "non-image",
      kind: "video",
      width: 640,
      height: 360,
      video: { duration: 5, videoCodec: "h264", audioCodec: "aac" },
    });
    expect(info.video?.bitRate).toBe(Math.round((mp4.length * 8) / 5));
    expect(info.metadata).toMatchObject({ width: 640, height: 360, size: mp4.length, duration: 5 });
  });

  it("reads a WebM's size, duration and codecs", async () => {
    const info = await probeFile(tmp.write("clip.webm", buildWebm()), "clip.webm");
    expect(info).toMatchObject({
      mime: "video/webm",
      kind: "video",
      fileType: "non-image",
      width: 320,
      height: 240,
      video: { duration: 2.5, videoCodec: "vp9", audioCodec: "opus" },
    });
  });

  it("keeps a damaged video a video", async () => {
    const cut = buildMp4().subarray(0, 40);
    const info = await probeFile(tmp.write("cut.mp4", cut), "cut.mp4");
    expect(info).toMatchObject({ mime: "video/mp4", kind: "video", fileType: "non-image" });
    expect(info.width).toBeUndefined();
  });
});
