import { existsSync } from "node:fs";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTransformation } from "../../src/media/parse-transformation";
import {
  renderImage,
  renderToFile,
  resolveOutputFormat,
  sourceFormat,
} from "../../src/media/render-image";
import { BlobStore } from "../../src/storage/blob-store";
import { halvesImage, jpegWithExif, redAlphaPng, TRUNCATED_PNG, tempDir } from "./fixtures";

const tmp = tempDir("render-image-");
afterAll(() => tmp.remove());

let halvesPng: string;
let halvesJpeg: string;
let alphaPng: string;

beforeAll(async () => {
  halvesPng = tmp.write("halves.png", await halvesImage("png"));
  halvesJpeg = tmp.write("halves.jpg", await halvesImage("jpeg"));
  alphaPng = tmp.write("alpha.png", await redAlphaPng());
});

const render = (input: string, tr: string, customCoordinates?: string) =>
  renderImage(input, parseTransformation(tr).steps, { customCoordinates });

/** Size and format of an encoded image, read back with sharp. */
async function inspect(data: Buffer) {
  const meta = await sharp(data).metadata();
  return { width: meta.width, height: meta.height, format: meta.format };
}

/** The RGB(A) of one pixel of an encoded image. */
async function pixel(data: Buffer, x: number, y: number): Promise<number[]> {
  const { data: raw, info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [...raw.subarray(at, at + info.channels)];
}

const isRed = (p: number[]) => (p[0] ?? 0) > 200 && (p[1] ?? 0) < 60 && (p[2] ?? 0) < 60;
const isBlue = (p: number[]) => (p[0] ?? 0) < 60 && (p[1] ?? 0) < 60 && (p[2] ?? 0) > 200;

describe("renderImage: sizes", () => {
  it.each([
    ["w-50", 50, 25],
    ["h-50", 100, 50],
    ["w-0.5", 100, 50],
    ["w-100,h-100", 100, 100],
    ["w-50,h-50,c-force", 50, 50],
    ["w-400,h-400,c-at_max", 200, 100],
    ["w-400,h-400,c-at_max_enlarge", 400, 200],
    ["w-50,h-50,c-at_max", 50, 25],
    ["w-50,h-50,c-at_least", 100, 50],
    ["w-100,ar-1-1", 100, 100],
    ["h-60,ar-2-1", 120, 60],
    ["w-50,dpr-2", 100, 50],
    ["w-100,h-100,cm-pad_resize", 100, 100],
    ["w-50,h-40,cm-extract", 50, 40],
    ["w-500,h-40,cm-extract", 200, 40],
    ["w-300,h-40,cm-pad_extract", 300, 40],
    ["rt-90", 100, 200],
    ["w-100:rt-90", 50, 100],
    ["rt-90:w-100", 100, 200],
    ["w-100,rt-90", 50, 100],
    ["n-ik_ml_thumbnail", 100, 50],
  ])("%s gives %ix%i", async (tr, width, height) => {
    const out = await render(halvesPng, tr);
    expect(await inspect(out.data)).toMatchObject({ width, height });
    expect({ width: out.width, height: out.height }).toEqual({ width, height });
  });

  it("never enlarges with the named thumbnail", async () => {
    const small = tmp.write("small.png", await halvesImage("png", 40, 20));
    expect(await inspect((await render(small, "n-ik_ml_thumbnail")).data)).toMatchObject({
      width: 40,
      height: 20,
    });
  });

  it("rotates arbitrary angles onto a larger canvas", async () => {
    const out = await inspect((await render(halvesPng, "rt-45")).data);
    expect(out.width).toBeGreaterThan(200);
    expect(out.height).toBeGreaterThan(100);
  });

  it("applies the EXIF orientation before sizing", async () => {
    // Stored 64x32 with orientation 6 (shown rotated by 90°): viewers see 32x64.
    const rotated = tmp.write("rotated.jpg", await jpegWithExif(6));
    expect(await inspect((await render(rotated, "w-16")).data)).toMatchObject({
      width: 16,
      height: 32,
    });
  });
});

describe("renderImage: crops, focus and padding", () => {
  it("extracts the focused region", async () => {
    expect(
      isRed(await pixel((await render(halvesPng, "w-50,h-50,cm-extract,fo-left")).data, 25, 25)),
    ).toBe(true);
    expect(
      isBlue(await pixel((await render(halvesPng, "w-50,h-50,cm-extract,fo-right")).data, 25, 25)),
    ).toBe(true);
    expect(
      isBlue(await pixel((await render(halvesPng, "w-50,h-50,cm-extract,x-150,y-0")).data, 5, 5)),
    ).toBe(true);
  });

  it("crops with maintain_ratio around the focus", async () => {
    expect(isRed(await pixel((await render(halvesPng, "w-50,h-100,fo-left")).data, 25, 50))).toBe(
      true,
    );
    expect(isBlue(await pixel((await render(halvesPng, "w-50,h-100,fo-right")).data, 25, 50))).toBe(
      true,
    );
  });

  it("pads with the bg colour (white by default)", async () => {
    const padded = await render(halvesJpeg, "w-100,h-100,cm-pad_resize,bg-00FF00");
    const corner = await pixel(padded.data, 0, 0);
    expect(corner[1]).toBeGreaterThan(200);
    expect(corner[0]).toBeLessThan(60);
    const white = await render(halvesJpeg, "w-100,h-100,cm-pad_resize");
    expect((await pixel(white.data, 0, 0)).every((c) => c > 240)).toBe(true);
    expect(isRed(await pixel(white.data, 10, 50))).toBe(true);
  });

  it("uses the file's customCoordinates for fo-custom", async () => {
    const out = await render(halvesPng, "w-20,h-20,fo-custom", "120,10,50,50");
    expect(await inspect(out.data)).toMatchObject({ width: 20, height: 20 });
    expect(isBlue(await pixel(out.data, 10, 10))).toBe(true);
  });
});

describe("renderImage: formats and effects", () => {
  it("keeps the source format unless f- asks otherwise; f-auto is WebP", async () => {
    expect((await render(halvesJpeg, "w-10")).contentType).toBe("image/jpeg");
    expect((await render(halvesPng, "w-10")).contentType).toBe("image/png");
    const webp = await render(halvesPng, "w-10,f-webp");
    expect(webp.contentType).toBe("image/webp");
    expect((await inspect(webp.data)).format).toBe("webp");
    expect((await render(halvesPng, "w-10,f-auto")).contentType).toBe("image/webp");
    expect((await inspect((await render(halvesPng, "f-avif")).data)).format).toBe("heif");
    expect((await inspect((await render(halvesPng, "f-gif")).data)).format).toBe("gif");
    expect((await inspect((await render(halvesPng, "f-jpg")).data)).format).toBe("jpeg");
    expect((await render(halvesPng, "f-jpg:w-10:f-orig")).contentType).toBe("image/png");
  });

  it("lowers the size with q-", async () => {
    const low = await render(halvesJpeg, "q-10");
    const high = await render(halvesJpeg, "q-100");
    expect(low.data.length).toBeLessThan(high.data.length);
  });

  it("puts transparent areas on white when the output is JPEG", async () => {
    const out = await render(alphaPng, "f-jpg");
    const [r, g, b] = await pixel(out.data, 10, 10);
    // 50% red over white.
    expect(r).toBeGreaterThan(240);
    expect(g).toBeGreaterThan(100);
    expect(g).toBeLessThan(160);
    expect(Math.abs((b ?? 0) - (g ?? 0))).toBeLessThan(4);
  });

  it("makes grayscale and blurred images", async () => {
    const [r, g, b] = await pixel((await render(halvesPng, "e-grayscale,f-jpg")).data, 10, 10);
    expect(Math.abs((r ?? 0) - (g ?? 0))).toBeLessThan(3);
    expect(Math.abs((g ?? 0) - (b ?? 0))).toBeLessThan(3);
    const blurred = await render(halvesPng, "bl-10");
    const edge = await pixel(blurred.data, 100, 50);
    expect(isRed(edge) || isBlue(edge)).toBe(false);
  });

  it("resolves output formats", () => {
    expect(sourceFormat("image/jpeg")).toBe("jpeg");
    expect(sourceFormat("image/svg+xml", true)).toBe("png");
    expect(sourceFormat("image/bmp", false)).toBe("jpeg");
    expect(resolveOutputFormat(parseTransformation("f-auto").steps, "png")).toBe("webp");
    expect(resolveOutputFormat([], "gif")).toBe("gif");
  });

  it("rejects an undecodable image", async () => {
    const broken = tmp.write("broken.png", TRUNCATED_PNG);
    await expect(render(broken, "w-10")).rejects.toThrow();
  });
});

describe("renderToFile", () => {
  it("writes a BlobStore temp file the caller commits (pre-transformation rt-90)", async () => {
    const store = new BlobStore(tmp.dir);
    await store.init();
    const out = await renderToFile(halvesJpeg, parseTransformation("rt-90").steps, store);
    expect(out.tempPath.startsWith(store.tmpDir)).toBe(true);
    expect(out).toMatchObject({
      width: 100,
      height: 200,
      format: "jpeg",
      contentType: "image/jpeg",
    });
    expect(await inspect(await sharp(out.tempPath).toBuffer())).toMatchObject({
      width: 100,
      height: 200,
    });
    const key = await store.commit(out.tempPath);
    expect(existsSync(store.path(key))).toBe(true);
    expect(out.size).toBe(await store.size(key));
  });

  it("leaves no temp file behind when rendering fails", async () => {
    const store = new BlobStore(tmp.dir);
    const broken = tmp.write("broken2.png", TRUNCATED_PNG);
    await expect(renderToFile(broken, parseTransformation("w-10").steps, store)).rejects.toThrow();
  });
});
