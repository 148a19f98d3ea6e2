import type { FileHandle } from "node:fs/promises";
import { open, stat } from "node:fs/promises";
import exifr from "exifr";
import { fileTypeFromFile } from "file-type";
import sharp, { type Metadata } from "sharp";
import type { MediaInfo } from "./media-info";
import { BASIC_COLORS } from "./parse-transformation";

/**
 * Learns what a stored file really is, from its bytes: ImageKit detects binary files by magic
 * number and text files by extension. Never throws for bad content: a broken or truncated image
 * is stored as-is by ImageKit, so the result then carries only what could be known.
 * Files are read through sharp / exifr / positional reads, never loaded whole into memory.
 */
export async function probeFile(path: string, fileName: string): Promise<MediaInfo> {
  const size = (await stat(path)).size;
  const mime = await detectMime(path, fileName);
  const kind = kindOf(mime);
  const base: MediaInfo = {
    mime,
    fileType: mime.startsWith("image/") ? "image" : "non-image",
    kind,
    embeddedMetadata: {},
    metadata: {},
  };
  if (kind === "image") return probeImage(path, size, base);
  if (kind === "video") return probeVideo(path, size, base);
  return base;
}

// ---------------------------------------------------------------------------------------------
// MIME detection

/** Text formats have no magic number: ImageKit (and the emulator) goes by the extension. */
const TEXT_TYPES: Readonly<Record<string, string>> = {
  txt: "text/plain",
  log: "text/plain",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  html: "text/html",
  htm: "text/html",
  css: "text/css",
  js: "application/javascript",
  mjs: "application/javascript",
  json: "application/json",
  xml: "application/xml",
  svg: "image/svg+xml",
  md: "text/markdown",
  yaml: "application/yaml",
  yml: "application/yaml",
  ics: "text/calendar",
  vtt: "text/vtt",
  srt: "application/x-subrip",
};

async function detectMime(path: string, fileName: string): Promise<string> {
  try {
    // fileTypeFromFile reads only the bytes it needs from the start of the file.
    const detected = await fileTypeFromFile(path);
    if (detected) return detected.mime;
  } catch {
    // A truncated container can make file-type give up; the signature check below still works.
  }
  const sniffed = await sniffSignature(path);
  if (sniffed) return sniffed;
  const dot = fileName.lastIndexOf(".");
  const ext = dot > 0 ? fileName.slice(dot + 1).toLowerCase() : "";
  return TEXT_TYPES[ext] ?? "application/octet-stream";
}

/**
 * Image signatures file-type cannot confirm on a truncated file (it wants the first chunk, not
 * just the signature): enough to call `iVBORw0KGgoAAAAN` (a cut-off PNG) `image/png`.
 */
const SIGNATURES: readonly { bytes: readonly number[]; mime: string; min: number }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], mime: "image/png", min: 3 },
  { bytes: [0xff, 0xd8, 0xff], mime: "image/jpeg", min: 3 },
  { bytes: [0x47, 0x49, 0x46, 0x38], mime: "image/gif", min: 4 },
  { bytes: [0x42, 0x4d], mime: "image/bmp", min: 2 },
];

async function sniffSignature(path: string): Promise<string | undefined> {
  const head = await readAt(path, 0, 16);
  if (head.length >= 12 && head.toString("latin1", 0, 4) === "RIFF") {
    if (head.toString("latin1", 8, 12) === "WEBP") return "image/webp";
  }
  for (const { bytes, mime, min } of SIGNATURES) {
    const n = Math.min(bytes.length, head.length);
    if (n < min) continue;
    if (bytes.slice(0, n).every((b, i) => head[i] === b)) return mime;
  }
  return undefined;
}

function kindOf(mime: string): MediaInfo["kind"] {
  if (mime.startsWith("image/")) return "image";
  if (mime.startsWith("video/")) return "video";
  if (mime.startsWith("audio/")) return "audio";
  return "other";
}

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    return await readHandle(handle, position, length);
  } finally {
    await handle.close();
  }
}

async function readHandle(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

// ---------------------------------------------------------------------------------------------
// Images

type ExifrOptions = NonNullable<Exclude<Parameters<typeof exifr.parse>[1], unknown[] | boolean>>;

/** ImageKit's names for formats in the legacy `metadata.format` (`jpg`, not `jpeg`). */
const FORMAT_NAMES: Readonly<Record<string, string>> = { jpeg: "jpg", heif: "heic", svg: "svg" };

async function probeImage(path: string, size: number, base: MediaInfo): Promise<MediaInfo> {
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

// ---------------------------------------------------------------------------------------------
// Videos: the container headers give size, duration and codecs (no ffprobe needed).

type VideoDetails = NonNullable<MediaInfo["video"]> & { width?: number; height?: number };

async function probeVideo(path: string, size: number, base: MediaInfo): Promise<MediaInfo> {
  let details: VideoDetails = {};
  const handle = await open(path, "r");
  try {
    if (/webm|matroska/.test(base.mime)) details = await readMatroska(handle, size);
    else if (/mp4|quicktime|3gpp|m4v/.test(base.mime)) details = await readIsoBmff(handle, size);
  } catch {
    // A damaged container: still a video, with whatever was learnt.
  } finally {
    await handle.close();
  }
  const { width, height, ...video } = details;
  if (video.duration && video.duration > 0) {
    video.bitRate = Math.round((size * 8) / video.duration);
  }
  const info: MediaInfo = { ...base, video };
  if (width && height) {
    info.width = width;
    info.height = height;
  }
  // ImageKit's video `metadata` block: size, dimensions, duration, bitrate and codecs.
  info.metadata = {
    ...(width && height ? { height, width } : {}),
    ...(video.bitRate ? { bitRate: video.bitRate } : {}),
    ...(video.duration !== undefined ? { duration: video.duration } : {}),
    ...(video.audioCodec ? { audioCodec: video.audioCodec } : {}),
    ...(video.videoCodec ? { videoCodec: video.videoCodec } : {}),
    size,
  };
  return info;
}

/** ISO BMFF sample entry types to ffprobe-style codec names (what ImageKit reports). */
const MP4_CODECS: Readonly<Record<string, string>> = {
  avc1: "h264",
  avc3: "h264",
  hvc1: "hevc",
  hev1: "hevc",
  av01: "av1",
  vp09: "vp9",
  vp08: "vp8",
  mp4v: "mpeg4",
  jpeg: "mjpeg",
  apcn: "prores",
  apch: "prores",
  apcs: "prores",
  mp4a: "aac",
  Opus: "opus",
  "ac-3": "ac3",
  "ec-3": "eac3",
  fLaC: "flac",
  ".mp3": "mp3",
  alac: "alac",
};

interface Box {
  type: string;
  start: number;
  /** Where the payload starts and the box ends. */
  body: number;
  end: number;
}

/** Walks MP4 / MOV boxes with positional reads (the `moov` box may sit after `mdat`). */
async function readIsoBmff(handle: FileHandle, size: number): Promise<VideoDetails> {
  const details: VideoDetails = {};
  const boxes = async (start: number, end: number): Promise<Box[]> => {
    const out: Box[] = [];
    let pos = start;
    while (pos + 8 <= end && out.length < 10_000) {
      const header = await readHandle(handle, pos, 16);
      if (header.length < 8) break;
      let length = header.readUInt32BE(0);
      const type = header.toString("latin1", 4, 8);
      let body = pos + 8;
      if (length === 1) {
        length = Number(header.readBigUInt64BE(8));
        body = pos + 16;
      } else if (length === 0) {
        length = end - pos;
      }
      if (length < body - pos) break;
      out.push({ type, start: pos, body, end: Math.min(pos + length, end) });
      pos += length;
    }
    return out;
  };
  const child = async (box: Box, type: string) =>
    (await boxes(box.body, box.end)).find((b) => b.type === type);

  const moov = (await boxes(0, size)).find((b) => b.type === "moov");
  if (!moov) return details;
  const children = await boxes(moov.body, moov.end);
  const mvhd = children.find((b) => b.type === "mvhd");
  if (mvhd) {
    const data = await readHandle(handle, mvhd.body, 32);
    const v1 = data[0] === 1;
    const timescale = data.readUInt32BE(v1 ? 20 : 12);
    const duration = v1 ? Number(data.readBigUInt64BE(24)) : data.readUInt32BE(16);
    if (timescale > 0) details.duration = Math.round((duration / timescale) * 1000) / 1000;
  }
  for (const trak of children.filter((b) => b.type === "trak")) {
    const mdia = await child(trak, "mdia");
    const hdlr = mdia && (await child(mdia, "hdlr"));
    if (!mdia || !hdlr) continue;
    const handler = (await readHandle(handle, hdlr.body + 8, 4)).toString("latin1");
    const minf = await child(mdia, "minf");
    const stbl = minf && (await child(minf, "stbl"));
    const stsd = stbl && (await child(stbl, "stsd"));
    const entry = stsd && (await readHandle(handle, stsd.body + 8, 36));
    const fourcc = entry && entry.length >= 8 ? entry.toString("latin1", 4, 8) : undefined;
    const codec = fourcc && (MP4_CODECS[fourcc] ?? fourcc.trim().toLowerCase());
    if (handler === "vide" && !details.videoCodec) {
      if (codec) details.videoCodec = codec;
      // tkhd holds the display size (16.16 fixed point) after the matrix.
      const tkhd = await child(trak, "tkhd");
      if (tkhd) {
        const head = await readHandle(handle, tkhd.body, 92);
        const offset = head[0] === 1 ? 88 : 76;
        if (head.length >= offset + 8) {
          details.width = Math.round(head.readUInt32BE(offset) / 65536);
          details.height = Math.round(head.readUInt32BE(offset + 4) / 65536);
        }
      }
      // Fall back to the visual sample entry's coded size.
      if ((!details.width || !details.height) && entry && entry.length >= 36) {
        details.width = entry.readUInt16BE(32);
        details.height = entry.readUInt16BE(34);
      }
    } else if (handler === "soun" && !details.audioCodec && codec) {
      details.audioCodec = codec;
    }
  }
  return details;
}

/** Matroska / WebM codec ids to ffprobe-style names. */
const MATROSKA_CODECS: Readonly<Record<string, string>> = {
  V_VP8: "vp8",
  V_VP9: "vp9",
  V_AV1: "av1",
  "V_MPEG4/ISO/AVC": "h264",
  "V_MPEGH/ISO/HEVC": "hevc",
  A_OPUS: "opus",
  A_VORBIS: "vorbis",
  A_AAC: "aac",
  "A_MPEG/L3": "mp3",
  A_FLAC: "flac",
  A_AC3: "ac3",
};

const EBML = {
  segment: 0x18538067,
  info: 0x1549a966,
  timecodeScale: 0x2ad7b1,
  duration: 0x4489,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackType: 0x83,
  codecId: 0x86,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  cluster: 0x1f43b675,
} as const;

interface Element {
  id: number;
  body: number;
  /** Undefined when the size is "unknown" (live streams): runs to the parent's end. */
  end: number | undefined;
}

/** Walks the EBML tree of a WebM / MKV file: Segment > Info (duration) and Tracks. */
async function readMatroska(handle: FileHandle, size: number): Promise<VideoDetails> {
  const details: VideoDetails = {};
  const element = async (pos: number): Promise<Element | undefined> => {
    const head = await readHandle(handle, pos, 12);
    const idLength = vintLength(head[0]);
    if (!idLength || idLength > 4 || head.length < idLength + 1) return undefined;
    const id = head.readUIntBE(0, idLength);
    const sizeLength = vintLength(head[idLength]);
    if (!sizeLength || head.length < idLength + sizeLength) return undefined;
    let value = (head[idLength] as number) & (0xff >> sizeLength);
    let unknown = value === 0xff >> sizeLength;
    for (let i = 1; i < sizeLength; i++) {
      const byte = head[idLength + i] as number;
      value = value * 256 + byte;
      if (byte !== 0xff) unknown = false;
    }
    const body = pos + idLength + sizeLength;
    return { id, body, end: unknown ? undefined : body + value };
  };
  const children = async (start: number, end: number): Promise<Element[]> => {
    const out: Element[] = [];
    let pos = start;
    while (pos < end && out.length < 10_000) {
      const el = await element(pos);
      if (!el) break;
      out.push(el);
      // Clusters hold the media; nothing after an unknown-size one is needed.
      if (el.end === undefined) break;
      pos = el.end;
    }
    return out;
  };
  const readUint = async (el: Element) => {
    const bytes = await readHandle(handle, el.body, Math.min((el.end ?? el.body) - el.body, 8));
    return bytes.reduce((n, b) => n * 256 + b, 0);
  };

  const top = await children(0, size);
  const segment = top.find((e) => e.id === EBML.segment);
  if (!segment) return details;
  let scale = 1_000_000;
  let rawDuration: number | undefined;
  for (const el of await children(segment.body, segment.end ?? size)) {
    if (el.id === EBML.cluster) break;
    if (el.id === EBML.info && el.end !== undefined) {
      for (const item of await children(el.body, el.end)) {
        if (item.id === EBML.timecodeScale) scale = await readUint(item);
        if (item.id === EBML.duration && item.end !== undefined) {
          const bytes = await readHandle(handle, item.body, item.end - item.body);
          rawDuration = bytes.length === 4 ? bytes.readFloatBE(0) : bytes.readDoubleBE(0);
        }
      }
    }
    if (el.id === EBML.tracks && el.end !== undefined) {
      for (const entry of await children(el.body, el.end)) {
        if (entry.id !== EBML.trackEntry || entry.end === undefined) continue;
        await readTrack(entry, details, children, readUint, handle);
      }
    }
  }
  if (rawDuration !== undefined) {
    details.duration = Math.round(((rawDuration * scale) / 1e9) * 1000) / 1000;
  }
  return details;
}

async function readTrack(
  entry: Element,
  details: VideoDetails,
  children: (start: number, end: number) => Promise<Element[]>,
  readUint: (el: Element) => Promise<number>,
  handle: FileHandle,
): Promise<void> {
  let type = 0;
  let codec: string | undefined;
  let width: number | undefined;
  let height: number | undefined;
  for (const item of await children(entry.body, entry.end as number)) {
    if (item.id === EBML.trackType) type = await readUint(item);
    if (item.id === EBML.codecId && item.end !== undefined) {
      const id = (await readHandle(handle, item.body, item.end - item.body))
        .toString("latin1")
        .replace(/\0+$/, "");
      codec =
        MATROSKA_CODECS[id] ?? MATROSKA_CODECS[id.split("/")[0] as string] ?? id.toLowerCase();
    }
    if (item.id === EBML.video && item.end !== undefined) {
      for (const v of await children(item.body, item.end)) {
        if (v.id === EBML.pixelWidth) width = await readUint(v);
        if (v.id === EBML.pixelHeight) height = await readUint(v);
      }
    }
  }
  if (type === 1 && !details.videoCodec) {
    if (codec) details.videoCodec = codec;
    if (width && height) {
      details.width = width;
      details.height = height;
    }
  } else if (type === 2 && !details.audioCodec && codec) {
    details.audioCodec = codec;
  }
}

/** Length in bytes of an EBML variable-size integer, from its first byte (0 if invalid). */
function vintLength(first: number | undefined): number {
  if (!first) return 0;
  let length = 1;
  for (let mask = 0x80; length <= 8 && !(first & mask); mask >>= 1) length++;
  return length > 8 ? 0 : length;
}
