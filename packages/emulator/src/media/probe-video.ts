import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import type { MediaInfo } from "./media-info";
import { readHandle } from "./read-at";

// The container headers give size, duration and codecs (no ffprobe needed).

type VideoDetails = NonNullable<MediaInfo["video"]> & { width?: number; height?: number };

export async function probeVideo(path: string, size: number, base: MediaInfo): Promise<MediaInfo> {
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
