import { describe, expect, it } from "vitest";
import {
  isValidTransformation,
  parseTransformation,
  TransformationError,
  validateTransformation,
} from "../../src/media/parse-transformation";

describe("parseTransformation", () => {
  it("splits chained steps on ':' and parameters on ','", () => {
    const parsed = parseTransformation("w-400,h-300:rt-90");
    expect(parsed.steps).toEqual([
      { width: { value: 400, relative: false }, height: { value: 300, relative: false } },
      { rotation: 90 },
    ]);
    expect(parsed.namedOnly).toBe(false);
    expect(parsed.canonical).toBe("w-400,h-300:rt-90");
  });

  it("reads every supported parameter", () => {
    const [step] = parseTransformation(
      "w-0.5,h-200,ar-16-9,c-at_max,cm-pad_resize,fo-top_left,x-10,y-20,dpr-2,q-80,f-webp," +
        "rt-N45,bg-FF000050,bl-10,e-grayscale,e-sharpen-5,e-contrast,pr-true,lo-false",
    ).steps;
    expect(step).toEqual({
      width: { value: 0.5, relative: true },
      height: { value: 200, relative: false },
      aspectRatio: { width: 16, height: 9 },
      crop: "at_max",
      cropMode: "pad_resize",
      focus: "top_left",
      x: 10,
      y: 20,
      dpr: 2,
      quality: 80,
      format: "webp",
      rotation: -45,
      background: { r: 255, g: 0, b: 0, alpha: 0.5 },
      blur: 10,
      grayscale: true,
      sharpen: 5,
      contrast: true,
      progressive: true,
      lossless: false,
    });
  });

  it("accepts the other values of c, cm, fo, f, rt and bg", () => {
    for (const c of ["maintain_ratio", "force", "at_least", "at_max", "at_max_enlarge"]) {
      expect(parseTransformation(`w-10,c-${c}`).steps[0]?.crop).toBe(c);
    }
    for (const cm of ["pad_resize", "extract", "pad_extract"]) {
      expect(parseTransformation(`w-10,cm-${cm}`).steps[0]?.cropMode).toBe(cm);
    }
    for (const fo of ["center", "top", "left", "bottom", "right", "auto", "face", "custom"]) {
      expect(parseTransformation(`w-10,fo-${fo}`).steps[0]?.focus).toBe(fo);
    }
    for (const f of ["auto", "jpg", "jpeg", "png", "webp", "avif", "gif", "orig"]) {
      expect(parseTransformation(`f-${f}`).steps[0]?.format).toBe(f);
    }
    expect(parseTransformation("rt-auto").steps[0]?.rotation).toBe("auto");
    expect(parseTransformation("rt-359").steps[0]?.rotation).toBe(359);
    expect(parseTransformation("bg-red").steps[0]?.background).toEqual({
      r: 255,
      g: 0,
      b: 0,
      alpha: 1,
    });
    expect(parseTransformation("orig-true").steps[0]?.original).toBe(true);
  });

  it("expands named transformations and says when only named ones are used", () => {
    const thumb = parseTransformation("n-ik_ml_thumbnail");
    expect(thumb.named).toEqual(["ik_ml_thumbnail"]);
    expect(thumb.namedOnly).toBe(true);
    expect(thumb.steps).toEqual([
      {
        width: { value: 100, relative: false },
        height: { value: 100, relative: false },
        crop: "at_max",
      },
    ]);
    expect(parseTransformation("n-media_library_thumbnail").namedOnly).toBe(true);
    const mixed = parseTransformation("n-ik_ml_thumbnail:rt-90");
    expect(mixed.namedOnly).toBe(false);
    expect(mixed.steps).toHaveLength(2);
    expect(parseTransformation("n-ik_ml_thumbnail,f-png").namedOnly).toBe(false);
  });

  it("gives the same canonical string whatever the parameter order", () => {
    expect(parseTransformation("h-300,w-400,f-jpeg").canonical).toBe(
      parseTransformation("w-400,h-300,f-jpg").canonical,
    );
  });

  it("treats an empty string as no transformation and ignores empty parameters", () => {
    expect(parseTransformation("").steps).toEqual([]);
    expect(parseTransformation("w-100,").steps).toEqual([
      { width: { value: 100, relative: false } },
    ]);
  });

  it.each([
    "foo-1",
    "w",
    "w-",
    "w-abc",
    "w-0",
    "w-iw_div_2",
    "w-99999",
    "q-0",
    "q-101",
    "c-bogus",
    "cm-pad",
    "fo-cat",
    "f-tiff",
    "rt-400",
    "bg-XYZ",
    "bg-FF0000ZZ",
    "ar-16",
    "bl-0",
    "e-bgremove",
    "l-text",
    "n-unknown_named",
    "dpr-9",
  ])("rejects %s with a TransformationError", (value) => {
    expect(() => parseTransformation(value)).toThrow(TransformationError);
  });
});

describe("validateTransformation", () => {
  it("fully checks image transformations", () => {
    expect(() => validateTransformation("rt-90")).not.toThrow();
    expect(() => validateTransformation("w-300,h-300,q-80")).not.toThrow();
    expect(() => validateTransformation("w-abc")).toThrow(TransformationError);
    expect(() => validateTransformation(" ")).toThrow(TransformationError);
  });

  it("checks video transformations for syntax and known keys", () => {
    expect(isValidTransformation("vc-h264,ac-aac,q-80", "video")).toBe(true);
    expect(isValidTransformation("sr-240_360_480", "video")).toBe(true);
    expect(isValidTransformation("zz-1", "video")).toBe(false);
    expect(isValidTransformation("w-", "video")).toBe(false);
    expect(isValidTransformation("w-100")).toBe(true);
  });
});
