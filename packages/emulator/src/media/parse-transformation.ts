/**
 * ImageKit URL transformation strings (`w-400,h-300:rt-90`): steps chained with `:`, parameters
 * separated by `,`, each `key-value` split at the first `-` (values may contain `-`: `ar-16-9`).
 * Only the parameters the emulator really implements are accepted; anything else is a
 * `TransformationError`, which the file server answers with 400 instead of silently serving an
 * image that differs from what ImageKit would return.
 */

export type CropStrategy = "maintain_ratio" | "force" | "at_least" | "at_max" | "at_max_enlarge";
export type CropMode = "pad_resize" | "extract" | "pad_extract";
export type Focus =
  | "center"
  | "top"
  | "left"
  | "bottom"
  | "right"
  | "top_left"
  | "top_right"
  | "bottom_left"
  | "bottom_right"
  | "auto"
  | "face"
  | "custom";
export type FormatParam = "auto" | "jpg" | "jpeg" | "png" | "webp" | "avif" | "gif" | "orig";

/** A width or height: pixels, or (`relative`) a fraction of the input's size (`w-0.5`). */
export interface Size {
  value: number;
  relative: boolean;
}

/** A colour with alpha in 0..1, as sharp takes it. */
export interface Rgba {
  r: number;
  g: number;
  b: number;
  alpha: number;
}

/** One `:`-separated step; every field is optional, as in the URL. */
export interface TransformationStep {
  width?: Size;
  height?: Size;
  aspectRatio?: { width: number; height: number };
  crop?: CropStrategy;
  cropMode?: CropMode;
  focus?: Focus;
  /** Top-left corner of the region for `cm-extract`, pixels. */
  x?: number;
  y?: number;
  dpr?: number;
  quality?: number;
  format?: FormatParam;
  /** Degrees clockwise (`N90` gives -90), or `auto` (EXIF orientation). */
  rotation?: number | "auto";
  background?: Rgba;
  blur?: number;
  grayscale?: boolean;
  /** `e-sharpen` (0 = default amount) or `e-sharpen-<n>`. */
  sharpen?: number;
  contrast?: boolean;
  progressive?: boolean;
  lossless?: boolean;
  /** `orig-true`: serve the original file, ignoring the rest. */
  original?: boolean;
  /** `so-<seconds>`: where a video thumbnail (`…/ik-thumbnail.jpg`) takes its frame. */
  startOffset?: number;
}

export interface ParseOptions {
  /**
   * Accept `so-` (start offset): only a video thumbnail URL has a use for it, since the
   * emulator encodes no video. Elsewhere it stays an unsupported parameter (400).
   */
  startOffset?: boolean;
}

export interface ParsedTransformation {
  /** Steps in order, named transformations expanded in place. */
  steps: TransformationStep[];
  /** Named transformations used (`n-<name>`), without the `n-` prefix. */
  named: string[];
  /** Every step came from a named transformation: such URLs work unsigned on private files. */
  namedOnly: boolean;
  /** A normalized string of the steps (stable parameter order): a cache key. */
  canonical: string;
}

/** An unknown, unsupported or invalid parameter; callers answer 400. */
export class TransformationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TransformationError";
  }
}

/**
 * The named transformations the emulator defines, as ImageKit accounts have them built in.
 * `ik_ml_thumbnail` (current) and `media_library_thumbnail` (older docs) are the media library
 * preview: ImageKit does not publish its exact size, so the emulator's choice is "fit inside
 * 100x100, keep the aspect ratio, never enlarge" (`w-100,h-100,c-at_max`).
 */
export const NAMED_TRANSFORMATIONS: Readonly<Record<string, string>> = {
  ik_ml_thumbnail: "w-100,h-100,c-at_max",
  media_library_thumbnail: "w-100,h-100,c-at_max",
};

/** Largest output side in pixels: keeps a typo (`w-500000`) from exhausting memory. */
export const MAX_DIMENSION = 16_384;

const CROPS: readonly CropStrategy[] = [
  "maintain_ratio",
  "force",
  "at_least",
  "at_max",
  "at_max_enlarge",
];
const CROP_MODES: readonly CropMode[] = ["pad_resize", "extract", "pad_extract"];
const FOCUSES: readonly Focus[] = [
  "center",
  "top",
  "left",
  "bottom",
  "right",
  "top_left",
  "top_right",
  "bottom_left",
  "bottom_right",
  "auto",
  "face",
  "custom",
];
const FORMATS: readonly FormatParam[] = [
  "auto",
  "jpg",
  "jpeg",
  "png",
  "webp",
  "avif",
  "gif",
  "orig",
];

/** ImageKit parameters the emulator knows exist but does not implement (clearer 400 text). */
const UNSUPPORTED = new Set([
  "l",
  "lx",
  "ly",
  "lfo",
  "t",
  "r",
  "b",
  "o",
  "z",
  "xc",
  "yc",
  "di",
  "cp",
  "md",
  "ik",
  "fl",
  "pg",
  "so",
  "eo",
  "du",
  "vc",
  "ac",
  "sr",
  "fps",
  "vb",
]);

/** CSS colour names ImageKit accepts for `bg-` besides hex (the 16 HTML basic colours). */
export const BASIC_COLORS: Readonly<Record<string, readonly [number, number, number]>> = {
  black: [0, 0, 0],
  silver: [192, 192, 192],
  gray: [128, 128, 128],
  white: [255, 255, 255],
  maroon: [128, 0, 0],
  red: [255, 0, 0],
  purple: [128, 0, 128],
  fuchsia: [255, 0, 255],
  green: [0, 128, 0],
  lime: [0, 255, 0],
  olive: [128, 128, 0],
  yellow: [255, 255, 0],
  navy: [0, 0, 128],
  blue: [0, 0, 255],
  teal: [0, 128, 128],
  aqua: [0, 255, 255],
};

/** Parses a transformation string (without the `tr:` prefix). Throws `TransformationError`. */
export function parseTransformation(
  input: string,
  options: ParseOptions = {},
): ParsedTransformation {
  const steps: TransformationStep[] = [];
  const named: string[] = [];
  let namedOnly = true;
  for (const rawStep of input.split(":")) {
    const params = rawStep.split(",").filter((p) => p.trim() !== "");
    if (params.length === 0) continue;
    const step: TransformationStep = {};
    let hasOwnParams = false;
    for (const param of params) {
      const name = namedTransformation(param.trim());
      if (name === undefined) {
        applyParam(step, param.trim(), options);
        hasOwnParams = true;
        continue;
      }
      // A named transformation expands to its own step(s) at this point of the chain.
      named.push(name);
      steps.push(...parseTransformation(NAMED_TRANSFORMATIONS[name] as string, options).steps);
    }
    if (hasOwnParams) {
      steps.push(step);
      namedOnly = false;
    }
  }
  return {
    steps,
    named,
    namedOnly: namedOnly && named.length > 0,
    canonical: steps.map(stringifyStep).join(":"),
  };
}

/**
 * Checks a `transformation.pre` / `post[].value` string at upload time. Images get the full
 * parse (so a value the file server could not render is refused up front); for videos the
 * emulator does no real encoding, so only the `key-value` syntax and known keys are checked.
 */
export function validateTransformation(value: string, kind: "image" | "video" = "image"): void {
  if (value.trim() === "") throw new TransformationError("The transformation is empty.");
  if (kind === "image") {
    parseTransformation(value);
    return;
  }
  for (const param of value.split(/[:,]/)) {
    const trimmed = param.trim();
    if (trimmed === "") continue;
    const dash = trimmed.indexOf("-");
    const key = dash > 0 ? trimmed.slice(0, dash) : "";
    if (!VIDEO_KEYS.has(key) || dash === trimmed.length - 1) {
      throw new TransformationError(`Invalid transformation parameter: ${trimmed}`);
    }
  }
}

/** Parameter keys ImageKit accepts on videos (pre-transformations, `abs`, `gif-to-video`). */
const VIDEO_KEYS = new Set([
  "w",
  "h",
  "ar",
  "c",
  "cm",
  "fo",
  "q",
  "f",
  "rt",
  "bg",
  "so",
  "eo",
  "du",
  "vc",
  "ac",
  "sr",
  "fps",
  "vb",
  "n",
  "e",
  "l",
  "lx",
  "ly",
  "r",
  "b",
  "t",
  "dpr",
]);

/** `true` when `validateTransformation` would accept the value. */
export function isValidTransformation(value: string, kind: "image" | "video" = "image"): boolean {
  try {
    validateTransformation(value, kind);
    return true;
  } catch {
    return false;
  }
}

function namedTransformation(param: string): string | undefined {
  if (!param.startsWith("n-")) return undefined;
  const name = param.slice(2);
  if (!(name in NAMED_TRANSFORMATIONS)) {
    throw new TransformationError(`Named transformation "${name}" does not exist.`);
  }
  return name;
}

function applyParam(step: TransformationStep, param: string, options: ParseOptions): void {
  const dash = param.indexOf("-");
  const key = dash > 0 ? param.slice(0, dash) : param;
  const value = dash > 0 ? param.slice(dash + 1) : "";
  const invalid = () => new TransformationError(`Invalid transformation parameter: ${param}`);
  if (value === "") throw invalid();
  switch (key) {
    case "w":
      step.width = size(value, invalid);
      return;
    case "h":
      step.height = size(value, invalid);
      return;
    case "ar": {
      const match = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(value);
      const width = Number(match?.[1]);
      const height = Number(match?.[2]);
      if (!match || !(width > 0) || !(height > 0)) throw invalid();
      step.aspectRatio = { width, height };
      return;
    }
    case "c":
      step.crop = oneOf(value, CROPS, invalid);
      return;
    case "cm":
      step.cropMode = oneOf(value, CROP_MODES, invalid);
      return;
    case "fo":
      step.focus = oneOf(value, FOCUSES, invalid);
      return;
    case "x":
      step.x = integer(value, 0, MAX_DIMENSION * 4, invalid);
      return;
    case "y":
      step.y = integer(value, 0, MAX_DIMENSION * 4, invalid);
      return;
    case "dpr": {
      const dpr = Number(value);
      if (!/^\d+(\.\d+)?$/.test(value) || dpr < 0.1 || dpr > 5) throw invalid();
      step.dpr = dpr;
      return;
    }
    case "q":
      step.quality = integer(value, 1, 100, invalid);
      return;
    case "f":
      step.format = oneOf(value, FORMATS, invalid);
      return;
    case "rt":
      step.rotation = rotation(value, invalid);
      return;
    case "bg":
      step.background = colour(value, invalid);
      return;
    case "bl":
      step.blur = integer(value, 1, 100, invalid);
      return;
    case "e":
      effect(step, value, invalid);
      return;
    case "orig":
    case "pr":
    case "lo": {
      if (value !== "true" && value !== "false") throw invalid();
      const on = value === "true";
      if (key === "orig") step.original = on;
      else if (key === "pr") step.progressive = on;
      else step.lossless = on;
      return;
    }
    case "so":
      if (!options.startOffset) throw unsupported(key);
      // Documented as seconds, "a positive number up to 2 decimal places".
      if (!/^\d+(\.\d{1,2})?$/.test(value)) throw invalid();
      step.startOffset = Number(value);
      return;
    default:
      if (UNSUPPORTED.has(key)) throw unsupported(key);
      throw new TransformationError(`Unknown transformation parameter: ${param}`);
  }
}

const unsupported = (key: string) =>
  new TransformationError(`The emulator does not support the "${key}" parameter.`);

function size(value: string, invalid: () => Error): Size {
  if (!/^\d+(\.\d+)?$/.test(value)) {
    // Arithmetic expressions (`iw_div_2`) and `auto` exist in ImageKit but are not emulated.
    throw invalid();
  }
  const n = Number(value);
  if (n <= 0) throw invalid();
  // ImageKit reads values below 1 as a fraction of the original (`w-0.5` = half the width).
  if (n < 1) return { value: n, relative: true };
  if (n > MAX_DIMENSION) throw invalid();
  return { value: Math.round(n), relative: false };
}

function integer(value: string, min: number, max: number, invalid: () => Error): number {
  if (!/^\d+$/.test(value)) throw invalid();
  const n = Number(value);
  if (n < min || n > max) throw invalid();
  return n;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], invalid: () => Error): T {
  if (!(allowed as readonly string[]).includes(value)) throw invalid();
  return value as T;
}

function rotation(value: string, invalid: () => Error): number | "auto" {
  if (value === "auto") return "auto";
  // `N<deg>` is ImageKit's counter-clockwise form.
  const negative = value.startsWith("N");
  const degrees = integer(negative ? value.slice(1) : value, 0, 360, invalid);
  return negative ? -degrees : degrees;
}

function colour(value: string, invalid: () => Error): Rgba {
  const basic = BASIC_COLORS[value.toLowerCase()];
  if (basic) return { r: basic[0], g: basic[1], b: basic[2], alpha: 1 };
  if (!/^([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.test(value)) throw invalid();
  // ImageKit's RGBA form puts the opacity last, as a percentage in 00..99.
  if (value.length === 8 && !/^\d\d$/.test(value.slice(6))) throw invalid();
  const alpha = value.length === 8 ? Number(value.slice(6)) / 100 : 1;
  const byte = (i: number) => Number.parseInt(value.slice(i, i + 2), 16);
  return { r: byte(0), g: byte(2), b: byte(4), alpha };
}

function effect(step: TransformationStep, value: string, invalid: () => Error): void {
  if (value === "grayscale") step.grayscale = true;
  else if (value === "contrast") step.contrast = true;
  else if (value === "sharpen") step.sharpen = 0;
  else if (value.startsWith("sharpen-")) step.sharpen = integer(value.slice(8), 1, 100, invalid);
  else throw new TransformationError(`The emulator does not support the "e-${value}" effect.`);
}

function stringifyStep(step: TransformationStep): string {
  const out: string[] = [];
  const dim = (s: Size) => String(s.value);
  if (step.original !== undefined) out.push(`orig-${step.original}`);
  if (step.width) out.push(`w-${dim(step.width)}`);
  if (step.height) out.push(`h-${dim(step.height)}`);
  if (step.aspectRatio) out.push(`ar-${step.aspectRatio.width}-${step.aspectRatio.height}`);
  if (step.crop) out.push(`c-${step.crop}`);
  if (step.cropMode) out.push(`cm-${step.cropMode}`);
  if (step.focus) out.push(`fo-${step.focus}`);
  if (step.x !== undefined) out.push(`x-${step.x}`);
  if (step.y !== undefined) out.push(`y-${step.y}`);
  if (step.dpr !== undefined) out.push(`dpr-${step.dpr}`);
  if (step.quality !== undefined) out.push(`q-${step.quality}`);
  if (step.format) out.push(`f-${step.format === "jpeg" ? "jpg" : step.format}`);
  if (step.rotation !== undefined) {
    const r = step.rotation;
    out.push(`rt-${typeof r === "number" && r < 0 ? `N${-r}` : r}`);
  }
  if (step.background) {
    const { r, g, b, alpha } = step.background;
    const hex = [r, g, b].map((c) => c.toString(16).padStart(2, "0")).join("");
    out.push(`bg-${hex}${alpha < 1 ? String(Math.round(alpha * 100)).padStart(2, "0") : ""}`);
  }
  if (step.blur !== undefined) out.push(`bl-${step.blur}`);
  if (step.grayscale) out.push("e-grayscale");
  if (step.sharpen !== undefined)
    out.push(step.sharpen ? `e-sharpen-${step.sharpen}` : "e-sharpen");
  if (step.contrast) out.push("e-contrast");
  if (step.progressive !== undefined) out.push(`pr-${step.progressive}`);
  if (step.lossless !== undefined) out.push(`lo-${step.lossless}`);
  if (step.startOffset !== undefined) out.push(`so-${step.startOffset}`);
  return out.join(",");
}
