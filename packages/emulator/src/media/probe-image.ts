import exifr from "exifr";
import sharp, { type Metadata } from "sharp";
import type { MediaInfo } from "./media-info";
import { BASIC_COLORS } from "./parse-transformation";
import { readAt } from "./read-at";

type ExifrOptions = NonNullable<Exclude<Parameters<typeof exifr.parse>[1], unknown[] | boolean>>;

/** ImageKit's names for formats in the legacy `metadata.format` (`jpg`, not `jpeg`). */
const FORMAT_NAMES: Readonly<Record<string, string>> = { jpeg: "jpg", heif: "heic", svg: "svg" };

export async function probeImage(path: string, size: number, base: MediaInfo): Promise<MediaInfo> {
  const format = base.mime.replace(/^image\//, "").replace(/\+xml$/, "");
  let meta: Metadata;
  try {
    meta = await sharp(path, { failOn: "none" }).metadata();
  } catch {
    // Undecodable (truncated, corrupt, or a format sharp cannot read): stored as-is.
    return { ...base, metadata: { size, format: FORMAT_NAMES[format] ?? format } };
  }
  const pixels = await samplePixels(path);
  const legacyExif = await readLegacyExif(path);
  const embedded = await readEmbeddedMetadata(path, meta.width, meta.height);
  const metaFormat =
    meta.format === "heif" && meta.compression === "av1" ? "avif" : String(meta.format);
  const info: MediaInfo = {
    ...base,
    // The stored (un-rotated) pixel size, as the file holds it; `orientation` says how to show it.
    width: meta.width,
    height: meta.height,
    hasAlpha: meta.hasAlpha,
    embeddedMetadata: embedded,
    metadata: {
      height: meta.height,
      width: meta.width,
      size,
      format: FORMAT_NAMES[metaFormat] ?? metaFormat,
      hasColorProfile: meta.hasProfile,
      quality: meta.format === "jpeg" ? await estimateJpegQuality(path) : 0,
      // ImageKit reports 72 when the file states no density.
      density: meta.density ?? 72,
      hasTransparency: pixels?.hasTransparency ?? false,
      ...(pixels ? { pHash: pixels.hash } : {}),
      exif: legacyExif,
    },
  };
  if (meta.orientation !== undefined) info.orientation = meta.orientation;
  if (pixels?.dominantColor) info.dominantColor = pixels.dominantColor;
  return info;
}

interface PixelSample {
  dominantColor: string | undefined;
  hash: string;
  hasTransparency: boolean;
}

/**
 * One small decode (32x32 RGBA, sharp shrinks on load) gives the dominant colour (pixels
 * voted to the nearest of the 16 basic CSS colours, weighted by opacity), transparency and
 * an 8x8 average hash (64 bits as 16 hex digits) standing in for ImageKit's perceptual hash.
 */
async function samplePixels(path: string): Promise<PixelSample | undefined> {
  const side = 32;
  let data: Buffer;
  try {
    data = await sharp(path, { failOn: "none" })
      .autoOrient()
      .resize(side, side, { fit: "fill" })
      .ensureAlpha()
      .toColourspace("srgb")
      .raw({ depth: "uchar" })
      .toBuffer();
  } catch {
    return undefined;
  }
  const names = Object.keys(BASIC_COLORS);
  const votes = new Map<string, number>();
  const grey = new Float64Array(64);
  let hasTransparency = false;
  for (let i = 0; i < side * side; i++) {
    const [r, g, b, a] = [data[i * 4], data[i * 4 + 1], data[i * 4 + 2], data[i * 4 + 3]].map(
      (v) => v ?? 0,
    ) as [number, number, number, number];
    if (a < 255) hasTransparency = true;
    const name = nearestColor(r, g, b, names);
    // A fully transparent image still gets a colour: every pixel then weighs the same.
    votes.set(name, (votes.get(name) ?? 0) + a / 255 + 1e-6);
    // Luminance over white, as the image shows on a page; pooled into 8x8 cells of 4x4 pixels.
    const alpha = a / 255;
    const luma = (0.299 * r + 0.587 * g + 0.114 * b) * alpha + 255 * (1 - alpha);
    const cell = Math.floor(Math.floor(i / side) / 4) * 8 + Math.floor((i % side) / 4);
    grey[cell] = (grey[cell] ?? 0) + luma;
  }
  const mean = grey.reduce((s, v) => s + v, 0) / 64;
  let hash = 0n;
  for (const v of grey) hash = (hash << 1n) | (v > mean ? 1n : 0n);
  const dominantColor = [...votes].sort((x, y) => y[1] - x[1])[0]?.[0];
  return { dominantColor, hash: hash.toString(16).padStart(16, "0"), hasTransparency };
}

function nearestColor(r: number, g: number, b: number, names: readonly string[]): string {
  let best = "black";
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const [cr, cg, cb] = BASIC_COLORS[name] as readonly [number, number, number];
    const distance = (r - cr) ** 2 + (g - cg) ** 2 + (b - cb) ** 2;
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** The legacy `metadata.exif` block, with ImageKit's section names and raw (unrevived) values. */
async function readLegacyExif(path: string): Promise<Record<string, unknown>> {
  const empty = {
    image: {},
    thumbnail: {},
    exif: {},
    gps: {},
    interoperability: {},
    makernote: {},
  };
  try {
    const out = await exifr.parse(path, {
      tiff: true,
      ifd1: true,
      exif: true,
      gps: true,
      interop: true,
      makerNote: false,
      userComment: false,
      xmp: false,
      iptc: false,
      icc: false,
      jfif: false,
      ihdr: false,
      mergeOutput: false,
      translateValues: false,
      reviveValues: false,
    } satisfies ExifrOptions);
    if (!out || typeof out !== "object") return empty;
    return {
      image: jsonSafe(out.ifd0),
      thumbnail: jsonSafe(out.ifd1),
      exif: jsonSafe(out.exif),
      gps: jsonSafe(out.gps),
      interoperability: jsonSafe(out.interop),
      makernote: {},
    };
  } catch {
    // exifr knows JPEG, TIFF, PNG, HEIC and AVIF; other formats simply have no EXIF here.
    return empty;
  }
}

/**
 * `embeddedMetadata`: EXIF, IPTC and XMP merged into one flat object with exiftool-style
 * capitalized keys (`Make`, `DateTimeOriginal`, XMP `Title`/`Description`), dates as ISO
 * strings, plus the composite `ImageWidth`/`ImageHeight` exiftool adds. `{}` when the file
 * holds none of them (format internals such as PNG's IHDR are not embedded metadata).
 */
async function readEmbeddedMetadata(
  path: string,
  width: number,
  height: number,
): Promise<Record<string, unknown>> {
  let out: unknown;
  try {
    out = await exifr.parse(path, {
      tiff: true,
      exif: true,
      gps: true,
      xmp: true,
      iptc: true,
      ifd1: false,
      interop: false,
      makerNote: false,
      userComment: false,
      icc: false,
      jfif: false,
      ihdr: false,
      mergeOutput: true,
      translateValues: false,
      reviveValues: true,
    } satisfies ExifrOptions);
  } catch {
    return {};
  }
  if (!out || typeof out !== "object") return {};
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(jsonSafe(out))) {
    const name = key.charAt(0).toUpperCase() + key.slice(1);
    // XMP language alternatives (`{ lang, value }`) read as their value, as exiftool shows them.
    const plain =
      value && typeof value === "object" && !Array.isArray(value) && "value" in value
        ? (value as { value: unknown }).value
        : value;
    result[name] ??= plain;
  }
  if (Object.keys(result).length === 0) return {};
  result.ImageWidth ??= width;
  result.ImageHeight ??= height;
  return result;
}

/** Plain JSON values only: dates as ISO strings, short binary as text or numbers, no blobs. */
function jsonSafe(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== "object") return {};
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const safe = toJsonValue(v);
    if (safe !== undefined) out[key] = safe;
  }
  return out;
}

function toJsonValue(value: unknown, depth = 0): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  if (value instanceof Uint8Array) {
    if (value.length > 64) return undefined;
    const printable = value.every((b) => b >= 0x20 && b < 0x7f);
    return printable ? Buffer.from(value).toString("latin1") : [...value];
  }
  if (depth > 4 || typeof value !== "object") return undefined;
  if (Array.isArray(value)) {
    return value.map((v) => toJsonValue(v, depth + 1)).filter((v) => v !== undefined);
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const safe = toJsonValue(v, depth + 1);
    if (safe !== undefined) out[k] = safe;
  }
  return out;
}

/** IJG standard luminance quantization table (Annex K), the base of the quality scale. */
const STANDARD_LUMINANCE_SUM = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
].reduce((s, v) => s + v, 0);

/**
 * JPEG quality (1-100) estimated from the luminance quantization table, the way encoders scale
 * the standard table. Reads only the header (tables come before the image data); 0 if unknown.
 */
async function estimateJpegQuality(path: string): Promise<number> {
  try {
    const head = await readAt(path, 0, 256 * 1024);
    let pos = 2;
    while (pos + 4 <= head.length && head[pos] === 0xff) {
      const marker = head[pos + 1] as number;
      const length = head.readUInt16BE(pos + 2);
      if (marker === 0xda) break;
      if (marker === 0xdb) {
        let p = pos + 4;
        while (p < pos + 2 + length) {
          const precision = (head[p] as number) >> 4;
          const id = (head[p] as number) & 0x0f;
          const entry = precision ? 2 : 1;
          if (id === 0) {
            let sum = 0;
            for (let i = 0; i < 64; i++) {
              sum += entry === 2 ? head.readUInt16BE(p + 1 + i * 2) : (head[p + 1 + i] as number);
            }
            const scale = (sum * 100) / STANDARD_LUMINANCE_SUM;
            const quality = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
            return Math.min(100, Math.max(1, Math.round(quality)));
          }
          p += 1 + 64 * entry;
        }
      }
      pos += 2 + length;
    }
  } catch {
    // A malformed header: quality unknown.
  }
  return 0;
}
