import { afterEach, describe, expect, it, vi } from "vitest";
import {
  downscaleImage,
  downscaleOutputType,
  fitWithin,
  renameForType,
} from "../../src/engine/downscale-image";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("fitWithin", () => {
  it("scales down to the tighter limit, keeping the aspect ratio", () => {
    expect(fitWithin(4000, 3000, 2000, 2000)).toEqual({ width: 2000, height: 1500 });
    expect(fitWithin(3000, 4000, 2000, 2000)).toEqual({ width: 1500, height: 2000 });
    expect(fitWithin(4000, 1000, 1000, 1000)).toEqual({ width: 1000, height: 250 });
  });

  it("leaves an image that already fits alone, and never scales up", () => {
    expect(fitWithin(800, 600, 2000, 2000)).toBeUndefined();
    expect(fitWithin(2000, 2000, 2000, 2000)).toBeUndefined();
  });

  it("keeps at least one pixel on each side", () => {
    expect(fitWithin(10_000, 1, 100, 100)).toEqual({ width: 100, height: 1 });
  });
});

describe("output type and name", () => {
  it("keeps a type a canvas can write, else JPEG, unless asked", () => {
    expect(downscaleOutputType("image/png")).toBe("image/png");
    expect(downscaleOutputType("image/webp")).toBe("image/webp");
    expect(downscaleOutputType("image/heic")).toBe("image/jpeg");
    expect(downscaleOutputType("image/png", "image/webp")).toBe("image/webp");
  });

  it("keeps the name, changing the extension only with the type", () => {
    expect(renameForType("cat.png", "image/png", "image/png")).toBe("cat.png");
    expect(renameForType("IMG_1.HEIC", "image/heic", "image/jpeg")).toBe("IMG_1.jpg");
    expect(renameForType("my.photo.png", "image/png", "image/webp")).toBe("my.photo.webp");
    expect(renameForType("noext", "image/png", "image/jpeg")).toBe("noext.jpg");
  });
});

describe("downscaleImage", () => {
  it("returns non-images, GIFs and SVGs untouched without decoding them", async () => {
    const createImageBitmap = vi.fn();
    vi.stubGlobal("createImageBitmap", createImageBitmap);
    for (const type of ["application/pdf", "image/gif", "image/svg+xml"]) {
      const file = new File(["x"], "a", { type });
      expect(await downscaleImage(file, { maxWidth: 10, maxHeight: 10 })).toBe(file);
    }
    expect(createImageBitmap).not.toHaveBeenCalled();
  });

  it("returns an image that fits, or cannot be decoded here, untouched", async () => {
    const close = vi.fn();
    vi.stubGlobal(
      "createImageBitmap",
      vi.fn(async (file: File) => {
        if (file.name === "broken.heic") throw new DOMException("decode", "InvalidStateError");
        return { width: 100, height: 50, close };
      }),
    );
    const small = new File(["x"], "small.png", { type: "image/png" });
    expect(await downscaleImage(small, { maxWidth: 200, maxHeight: 200 })).toBe(small);
    expect(close).toHaveBeenCalled();
    const broken = new File(["x"], "broken.heic", { type: "image/heic" });
    expect(await downscaleImage(broken, { maxWidth: 10, maxHeight: 10 })).toBe(broken);
  });

  it("draws a large image smaller on an OffscreenCanvas, keeping its name", async () => {
    const drawImage = vi.fn();
    const convertToBlob = vi.fn(
      async (options: { type: string }) => new Blob(["small"], { type: options.type }),
    );
    vi.stubGlobal(
      "createImageBitmap",
      vi.fn(async () => ({ width: 4000, height: 3000, close: () => {} })),
    );
    vi.stubGlobal(
      "OffscreenCanvas",
      class {
        constructor(
          readonly width: number,
          readonly height: number,
        ) {}
        getContext() {
          return { drawImage, imageSmoothingQuality: "low" };
        }
        convertToBlob = convertToBlob;
      },
    );
    const photo = new File(["x".repeat(100)], "photo.jpg", { type: "image/jpeg", lastModified: 5 });
    const out = await downscaleImage(photo, { maxWidth: 2000, maxHeight: 2000, quality: 0.7 });
    expect(out).not.toBe(photo);
    expect([out.name, out.type, out.lastModified, out.size]).toEqual([
      "photo.jpg",
      "image/jpeg",
      5,
      5,
    ]);
    expect(drawImage).toHaveBeenCalledWith(expect.anything(), 0, 0, 2000, 1500);
    expect(convertToBlob).toHaveBeenCalledWith({ type: "image/jpeg", quality: 0.7 });
  });
});
