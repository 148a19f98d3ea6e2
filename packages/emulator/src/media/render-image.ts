import { rm, stat } from "node:fs/promises";
import sharp, { type Sharp } from "sharp";
import type { Focus, FormatParam, Rgba, Size, TransformationStep } from "./parse-transformation";
import { TransformationError } from "./parse-transformation";

/** Formats the emulator writes. */
export type OutputFormat = "jpeg" | "png" | "webp" | "avif" | "gif";

export interface RenderOptions {
  /** The file's `customCoordinates` (`x,y,width,height`), used by `fo-custom`. */
  customCoordinates?: string | null;
  /**
   * Output format when no step asks for one (default: the source's, see `sourceFormat`).
   * The file server passes it so the format it named a cache file after is the one written.
   */
  defaultFormat?: OutputFormat;
}

export interface RenderedImage {
  data: Buffer;
  contentType: string;
  format: OutputFormat;
  width: number;
  height: number;
}

export interface RenderedFile {
  path: string;
  contentType: string;
  format: OutputFormat;
  width: number;
  height: number;
  size: number;
}

const CONTENT_TYPES: Record<OutputFormat, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  gif: "image/gif",
};

export const contentTypeOf = (format: OutputFormat): string => CONTENT_TYPES[format];

/** An image that can be decoded but whose format sharp cannot write falls back to these. */
const fallbackFormat = (hasAlpha: boolean): OutputFormat => (hasAlpha ? "png" : "jpeg");

/**
 * The format a source is re-encoded to when no `f-` asks otherwise: the same format where the
 * emulator can write it, else PNG (with alpha) or JPEG. `source` is a MIME type or a sharp
 * format name (`heif` + AV1 compression is AVIF).
 */
export function sourceFormat(source: string, hasAlpha = false): OutputFormat {
  const name = source.replace(/^image\//, "").toLowerCase();
  if (name === "jpeg" || name === "jpg") return "jpeg";
  if (name === "png" || name === "webp" || name === "gif" || name === "avif") return name;
  return fallbackFormat(hasAlpha);
}

/** The output format of `steps`: the last `f-` wins; `f-auto` is WebP; `f-orig` the source's. */
export function resolveOutputFormat(
  steps: readonly TransformationStep[],
  source: OutputFormat,
): OutputFormat {
  let requested: FormatParam | undefined;
  for (const step of steps) if (step.format) requested = step.format;
  switch (requested) {
    case undefined:
    case "orig":
      return source;
    case "auto":
      return "webp";
    case "jpg":
      return "jpeg";
    default:
      return requested;
  }
}

/** Renders `steps` applied to the image at `input` into memory. Throws on undecodable input. */
export async function renderImage(
  input: string | Buffer,
  steps: readonly TransformationStep[],
  options: RenderOptions = {},
): Promise<RenderedImage> {
  const { pipeline, format } = await buildPipeline(input, steps, options);
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return {
    data,
    contentType: CONTENT_TYPES[format],
    format,
    width: info.width,
    height: info.height,
  };
}

/**
 * Renders `steps` into the file `outPath` (sharp streams from the input file, so only the
 * decoded working image is held in memory, never the encoded file twice). A failed render
 * removes the partial output.
 */
export async function renderToPath(
  input: string,
  steps: readonly TransformationStep[],
  outPath: string,
  options: RenderOptions = {},
): Promise<RenderedFile> {
  const { pipeline, format } = await buildPipeline(input, steps, options);
  try {
    const info = await pipeline.toFile(outPath);
    const { size } = await stat(outPath);
    return {
      path: outPath,
      contentType: CONTENT_TYPES[format],
      format,
      width: info.width,
      height: info.height,
      size,
    };
  } catch (error) {
    await rm(outPath, { force: true });
    throw error;
  }
}

/**
 * Renders into a fresh temp file of `blobs` (pre-transformations at upload, post-transformation
 * outputs): the caller `commit`s or `discard`s `tempPath`.
 */
export async function renderToFile(
  input: string,
  steps: readonly TransformationStep[],
  blobs: { tempPath(): string },
  options: RenderOptions = {},
): Promise<RenderedFile & { tempPath: string }> {
  const rendered = await renderToPath(input, steps, blobs.tempPath(), options);
  return { ...rendered, tempPath: rendered.path };
}

interface Dimensions {
  width: number;
  height: number;
}

async function buildPipeline(
  input: string | Buffer,
  steps: readonly TransformationStep[],
  options: RenderOptions,
): Promise<{ pipeline: Sharp; format: OutputFormat }> {
  // `failOn: "none"` renders what a slightly damaged image holds, as browsers would show it.
  const source = sharp(input, { failOn: "none" });
  const meta = await source.metadata();
  const sourceFmt = meta.format === "heif" && meta.compression === "av1" ? "avif" : meta.format;
  const format = options.defaultFormat
    ? resolveOutputFormat(steps, options.defaultFormat)
    : resolveOutputFormat(steps, sourceFormat(sourceFmt, meta.hasAlpha));

  // EXIF orientation is applied first, so every step sees the image the way viewers show it
  // (the output carries no EXIF, so an un-rotated result would appear sideways).
  let pipeline = source.autoOrient();
  let dims: Dimensions = meta.autoOrient;
  let pending = false;
  let hasAlpha = meta.hasAlpha;
  let background: Rgba | undefined;
  let quality: number | undefined;
  let progressive = false;
  let lossless = false;

  for (const step of steps) {
    if (step.background) background = step.background;
    if (step.quality !== undefined) quality = step.quality;
    if (step.progressive !== undefined) progressive = step.progressive;
    if (step.lossless !== undefined) lossless = step.lossless;

    const geometry = planGeometry(step, dims, options.customCoordinates);
    const angle = typeof step.rotation === "number" ? step.rotation % 360 : 0;
    // sharp runs its operations in a fixed internal order; a step that both reshapes and
    // rotates is split so rotation really happens after the resize/extract/pad.
    if (geometry.ops.length > 0) {
      if (pending) ({ pipeline, dims, hasAlpha } = await materialize(pipeline));
      for (const op of geometry.ops) pipeline = op(pipeline);
      dims = geometry.dims;
      pending = true;
      if (geometry.addsAlpha) hasAlpha = true;
    }
    if (angle !== 0) {
      if (pending) ({ pipeline, dims, hasAlpha } = await materialize(pipeline));
      pipeline = pipeline.rotate(angle, { background: background ?? TRANSPARENT_WHITE });
      dims = rotatedDims(dims, angle);
      if (angle % 90 !== 0) hasAlpha = true;
      pending = true;
    }
    if (step.grayscale) pipeline = pipeline.grayscale();
    if (step.blur !== undefined) pipeline = pipeline.blur(Math.max(0.3, step.blur / 2));
    if (step.sharpen !== undefined) {
      pipeline = pipeline.sharpen(step.sharpen ? { sigma: 0.5 + step.sharpen / 10 } : undefined);
    }
    if (step.contrast) pipeline = pipeline.normalise();
    if (step.grayscale || step.blur || step.sharpen !== undefined || step.contrast) pending = true;
  }

  // JPEG has no alpha: ImageKit shows transparent areas on white (or on `bg-`).
  if (format === "jpeg" && hasAlpha) {
    if (pending) ({ pipeline } = await materialize(pipeline));
    pipeline = pipeline.flatten({ background: opaque(background ?? WHITE) });
  }
  return { pipeline: encode(pipeline, format, quality, progressive, lossless), format };
}

const WHITE: Rgba = { r: 255, g: 255, b: 255, alpha: 1 };
const TRANSPARENT_WHITE: Rgba = { r: 255, g: 255, b: 255, alpha: 0 };
const opaque = (c: Rgba): Rgba => ({ ...c, alpha: 1 });

/** Runs the pipeline so far into raw pixels and starts a new pipeline from them. */
async function materialize(
  pipeline: Sharp,
): Promise<{ pipeline: Sharp; dims: Dimensions; hasAlpha: boolean }> {
  const { data, info } = await pipeline
    .raw({ depth: "uchar" })
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  return {
    pipeline: sharp(data, { raw: { width: info.width, height: info.height, channels } }),
    dims: { width: info.width, height: info.height },
    hasAlpha: channels === 2 || channels === 4,
  };
}

function encode(
  pipeline: Sharp,
  format: OutputFormat,
  quality: number | undefined,
  progressive: boolean,
  lossless: boolean,
): Sharp {
  const q = quality === undefined ? {} : { quality };
  switch (format) {
    case "jpeg":
      return pipeline.jpeg({ ...q, progressive });
    case "png":
      return pipeline.png({ progressive, ...(quality === undefined ? {} : { quality }) });
    case "webp":
      return pipeline.webp({ ...q, lossless });
    case "avif":
      return pipeline.avif({ ...q, lossless });
    case "gif":
      return pipeline.gif();
  }
}

function rotatedDims(dims: Dimensions, angle: number): Dimensions {
  const rad = (Math.abs(angle) * Math.PI) / 180;
  const cos = Math.abs(Math.cos(rad));
  const sin = Math.abs(Math.sin(rad));
  return {
    width: Math.round(dims.width * cos + dims.height * sin),
    height: Math.round(dims.width * sin + dims.height * cos),
  };
}

interface Geometry {
  ops: ((p: Sharp) => Sharp)[];
  dims: Dimensions;
  addsAlpha: boolean;
}

/** The extract / resize / pad operations of one step and the size they produce. */
function planGeometry(
  step: TransformationStep,
  input: Dimensions,
  customCoordinates: string | null | undefined,
): Geometry {
  const ops: Geometry["ops"] = [];
  let dims = input;
  let focus: Focus = step.focus ?? "center";

  // fo-custom: work on the file's customCoordinates region, then size it as asked.
  if (focus === "custom") {
    const region = parseCoordinates(customCoordinates, dims);
    if (region) {
      ops.push((p) => p.extract(region));
      dims = { width: region.width, height: region.height };
    }
    focus = "center";
  }

  const target = targetSize(step, dims);
  if (!target.width && !target.height) return { ops, dims, addsAlpha: false };
  const bg = step.background ?? WHITE;

  if (step.cropMode === "extract" || step.cropMode === "pad_extract") {
    const w = Math.min(target.width ?? dims.width, dims.width);
    const h = Math.min(target.height ?? dims.height, dims.height);
    const left = clamp(step.x ?? anchor(dims.width - w, focus, "x"), 0, dims.width - w);
    const top = clamp(step.y ?? anchor(dims.height - h, focus, "y"), 0, dims.height - h);
    ops.push((p) => p.extract({ left, top, width: w, height: h }));
    dims = { width: w, height: h };
    if (step.cropMode === "pad_extract") {
      // Too small in a dimension: padded (centred) with the background up to the target.
      const padW = Math.max(0, (target.width ?? w) - w);
      const padH = Math.max(0, (target.height ?? h) - h);
      if (padW > 0 || padH > 0) {
        const extend = {
          left: Math.floor(padW / 2),
          right: Math.ceil(padW / 2),
          top: Math.floor(padH / 2),
          bottom: Math.ceil(padH / 2),
          background: bg,
        };
        ops.push((p) => p.extend(extend));
        dims = { width: w + padW, height: h + padH };
      }
    }
    return { ops, dims, addsAlpha: false };
  }

  const { width, height } = target;
  if (step.cropMode === "pad_resize" && width && height) {
    ops.push((p) =>
      p.resize(width, height, { fit: "contain", position: position(focus), background: bg }),
    );
    return { ops, dims: { width, height }, addsAlpha: bg.alpha < 1 };
  }

  const crop = step.crop ?? "maintain_ratio";
  if (crop === "force") {
    const w = width ?? dims.width;
    const h = height ?? dims.height;
    ops.push((p) => p.resize(w, h, { fit: "fill" }));
    return { ops, dims: { width: w, height: h }, addsAlpha: false };
  }
  if (width && height && crop === "maintain_ratio") {
    ops.push((p) => p.resize(width, height, { fit: "cover", position: position(focus) }));
    return { ops, dims: { width, height }, addsAlpha: false };
  }
  // One dimension, or at_max / at_max_enlarge / at_least: keep the ratio, no crop.
  const fit = crop === "at_least" ? "outside" : "inside";
  const withoutEnlargement = crop === "at_max";
  const out = fittedSize(dims, width, height, fit, withoutEnlargement);
  ops.push((p) => p.resize(out.width, out.height, { fit: "fill" }));
  return { ops, dims: out, addsAlpha: false };
}

/** w / h after fractions, `ar-` and `dpr-`; either may stay undefined. */
function targetSize(
  step: TransformationStep,
  dims: Dimensions,
): { width?: number; height?: number } {
  const resolve = (s: Size | undefined, base: number) =>
    s === undefined ? undefined : s.relative ? base * s.value : s.value;
  let width = resolve(step.width, dims.width);
  let height = resolve(step.height, dims.height);
  const ar = step.aspectRatio;
  if (ar && (width === undefined || height === undefined)) {
    if (width === undefined && height === undefined) width = dims.width;
    if (width !== undefined) height = (width * ar.height) / ar.width;
    else if (height !== undefined) width = (height * ar.width) / ar.height;
  }
  const dpr = step.dpr ?? 1;
  const finish = (n: number | undefined) => {
    if (n === undefined) return undefined;
    const px = Math.max(1, Math.round(n * dpr));
    if (px > 16_384) throw new TransformationError("The requested image size is too large.");
    return px;
  };
  return { width: finish(width), height: finish(height) };
}

function fittedSize(
  dims: Dimensions,
  width: number | undefined,
  height: number | undefined,
  fit: "inside" | "outside",
  withoutEnlargement: boolean,
): Dimensions {
  const scales = [width && width / dims.width, height && height / dims.height].filter(
    (s): s is number => typeof s === "number",
  );
  let scale = fit === "inside" ? Math.min(...scales) : Math.max(...scales);
  if (withoutEnlargement) scale = Math.min(scale, 1);
  return {
    width: Math.max(1, Math.round(dims.width * scale)),
    height: Math.max(1, Math.round(dims.height * scale)),
  };
}

/** Offset of a region of size `total - slack` along an axis, for a focus keyword. */
function anchor(slack: number, focus: Focus, axis: "x" | "y"): number {
  const start =
    axis === "x" ? ["left", "top_left", "bottom_left"] : ["top", "top_left", "top_right"];
  const end =
    axis === "x"
      ? ["right", "top_right", "bottom_right"]
      : ["bottom", "bottom_left", "bottom_right"];
  if (start.includes(focus)) return 0;
  if (end.includes(focus)) return slack;
  return Math.floor(slack / 2);
}

function position(focus: Focus): string | number {
  switch (focus) {
    case "auto":
    case "face":
      // The closest sharp has to ImageKit's smart crop: the most "interesting" region.
      return sharp.strategy.attention;
    case "top_left":
      return "left top";
    case "top_right":
      return "right top";
    case "bottom_left":
      return "left bottom";
    case "bottom_right":
      return "right bottom";
    case "center":
    case "custom":
      return "centre";
    default:
      return focus;
  }
}

function parseCoordinates(
  value: string | null | undefined,
  dims: Dimensions,
): { left: number; top: number; width: number; height: number } | undefined {
  const parts = (value ?? "").split(",").map((p) => Number(p.trim()));
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0)) return undefined;
  const [x, y, w, h] = parts as [number, number, number, number];
  const left = Math.min(x, dims.width - 1);
  const top = Math.min(y, dims.height - 1);
  const width = Math.min(w, dims.width - left);
  const height = Math.min(h, dims.height - top);
  return width > 0 && height > 0 ? { left, top, width, height } : undefined;
}

const clamp = (n: number, min: number, max: number) => Math.min(Math.max(n, min), max);
