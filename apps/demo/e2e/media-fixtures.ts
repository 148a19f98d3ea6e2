import { crc32, deflateSync } from "node:zlib";

const u32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
};
const u16 = (value: number) => {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
};

type RGB = readonly [number, number, number];

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  return Buffer.concat([u32(data.length), body, u32(crc32(body))]);
}

/**
 * A real RGB PNG: a diagonal gradient between two colours, so thumbnails look like something.
 * `level: 0` stores the pixels uncompressed: a big file (3 bytes a pixel) made quickly.
 */
export function gradientPng(width: number, height: number, from: RGB, to: RGB, level = 6): Buffer {
  const row = 1 + width * 3;
  const pixels = Buffer.alloc(row * height);
  const [r0, g0, b0] = from;
  const [r1, g1, b1] = to;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x + y) / Math.max(1, width + height - 2);
      const offset = y * row + 1 + x * 3;
      pixels[offset] = Math.round(r0 + (r1 - r0) * t);
      pixels[offset + 1] = Math.round(g0 + (g1 - g0) * t);
      pixels[offset + 2] = Math.round(b0 + (b1 - b0) * t);
    }
  }
  const header = Buffer.concat([u32(width), u32(height), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(pixels, { level })),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

const words = (...values: number[]) => Buffer.concat(values.map(u32));

const box = (type: string, ...body: Buffer[]) => {
  const data = Buffer.concat(body);
  return Buffer.concat([u32(8 + data.length), Buffer.from(type, "latin1"), data]);
};

/**
 * A small MP4 as ImageKit sees one: `ftyp`, the media data, then a `moov` with a 320x240 H.264
 * track lasting 2 s. The samples are filler (no frame decodes), which the upload does not need:
 * ImageKit (and the emulator) read the container's headers, not the pictures.
 */
export function tinyMp4(): Buffer {
  const matrix = words(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);
  // Times, timescale 1000, duration 2000 (2 s), rate, volume, matrix, next track id.
  const mvhd = box(
    "mvhd",
    words(0, 0, 0, 1000, 2000, 0x10000),
    u16(0x100),
    Buffer.alloc(10),
    matrix,
    Buffer.alloc(24),
    u32(2),
  );
  // Flags (enabled, in movie), track 1, duration, layer/volume, matrix, 320x240 (16.16 fixed).
  const tkhd = box(
    "tkhd",
    words(3, 0, 0, 1, 0, 2000),
    Buffer.alloc(16),
    matrix,
    words(320 * 65536, 240 * 65536),
  );
  const hdlr = box("hdlr", words(0, 0), Buffer.from("vide"), Buffer.alloc(12), Buffer.from("V\0"));
  const avc1 = box(
    "avc1",
    Buffer.alloc(6),
    u16(1),
    Buffer.alloc(16),
    u16(320),
    u16(240),
    Buffer.alloc(50),
  );
  const stbl = box("stbl", box("stsd", words(0, 1), avc1));
  return Buffer.concat([
    box("ftyp", Buffer.from("isom"), u32(512), Buffer.from("isomiso2avc1mp41")),
    box("mdat", Buffer.alloc(4096, 7)),
    box("moov", mvhd, box("trak", tkhd, box("mdia", hdlr, box("minf", stbl)))),
  ]);
}
