import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";

/** A fresh temp directory and a way to write files into it. */
export function tempDir(prefix = "media-test-") {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name: string, data: Buffer | string): string {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** ImageKit's own docs example: a PNG cut off right after its signature. */
export const TRUNCATED_PNG = Buffer.from("iVBORw0KGgoAAAAN", "base64");

/** A semi-transparent red 200x100 PNG. */
export const redAlphaPng = () =>
  sharp({
    create: {
      width: 200,
      height: 100,
      channels: 4,
      background: { r: 255, g: 0, b: 0, alpha: 0.5 },
    },
  })
    .png()
    .toBuffer();

/** An opaque image: left half red, right half blue (200x100 unless told). */
export async function halvesImage(
  format: "png" | "jpeg" = "png",
  width = 200,
  height = 100,
): Promise<Buffer> {
  const half = Math.floor(width / 2);
  const blue = await sharp({
    create: { width: width - half, height, channels: 3, background: "#0000ff" },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: "#ff0000" } })
    .composite([{ input: blue, left: half, top: 0 }])
    .toFormat(format)
    .toBuffer();
}

export const XMP = [
  '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>',
  '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
  '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
  '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">',
  '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Sunset</rdf:li></rdf:Alt></dc:title>',
  "<dc:description><rdf:Alt>",
  '<rdf:li xml:lang="x-default">Sun over the sea</rdf:li>',
  "</rdf:Alt></dc:description>",
  "</rdf:Description></rdf:RDF></x:xmpmeta>",
  '<?xpacket end="w"?>',
].join("");

/** A 64x32 blue JPEG (quality 80) with EXIF (camera, copyright, date) and XMP title. */
export const jpegWithExif = (orientation?: number) => {
  let image = sharp({ create: { width: 64, height: 32, channels: 3, background: "#0000ff" } })
    .withExif({
      IFD0: { Make: "Acme", Model: "Cam 1", Copyright: "(c) Upkit", ImageDescription: "Blue" },
      IFD2: { DateTimeOriginal: "2024:01:02 03:04:05" },
    })
    .withXmp(XMP);
  if (orientation) image = image.withMetadata({ orientation });
  return image.jpeg({ quality: 80 }).toBuffer();
};

// --- video containers, built by hand (no ffmpeg needed) ---------------------------------------

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(body.length + 8), Buffer.from(type, "latin1"), body]);
}

const matrix = Buffer.concat([u32(0x10000), u32(0), u32(0), u32(0), u32(0x10000), u32(0)]);
const identity = Buffer.concat([matrix, u32(0), u32(0), u32(0x40000000)]);

function track(handler: "vide" | "soun", fourcc: string, width: number, height: number) {
  const tkhd = box(
    "tkhd",
    u32(3),
    u32(0),
    u32(0),
    u32(handler === "vide" ? 1 : 2),
    u32(0),
    u32(5000),
    Buffer.alloc(8),
    u16(0),
    u16(0),
    u16(handler === "soun" ? 0x100 : 0),
    u16(0),
    identity,
    u32(width * 65536),
    u32(height * 65536),
  );
  const hdlr = box(
    "hdlr",
    u32(0),
    u32(0),
    Buffer.from(handler),
    Buffer.alloc(12),
    Buffer.from("H\0"),
  );
  const entry = box(
    fourcc,
    Buffer.alloc(6),
    u16(1),
    Buffer.alloc(16),
    u16(width),
    u16(height),
    Buffer.alloc(50),
  );
  const stsd = box("stsd", u32(0), u32(1), entry);
  return box("trak", tkhd, box("mdia", hdlr, box("minf", box("stbl", stsd))));
}

/** An MP4 (moov after mdat, as many encoders write it): 640x360 h264 + aac, 5 s. */
export function buildMp4(): Buffer {
  const ftyp = box("ftyp", Buffer.from("isom"), u32(512), Buffer.from("isomiso2avc1mp41"));
  const mvhd = box(
    "mvhd",
    u32(0),
    u32(0),
    u32(0),
    u32(1000),
    u32(5000),
    u32(0x10000),
    u16(0x100),
    Buffer.alloc(10),
    identity,
    Buffer.alloc(24),
    u32(3),
  );
  const moov = box("moov", mvhd, track("vide", "avc1", 640, 360), track("soun", "mp4a", 0, 0));
  return Buffer.concat([ftyp, box("mdat", Buffer.alloc(10_000, 7)), moov]);
}

function ebml(id: number[], ...body: Buffer[]): Buffer {
  const data = Buffer.concat(body);
  const size = Buffer.alloc(8);
  size[0] = 0x01;
  size.writeUIntBE(data.length, 2, 6);
  return Buffer.concat([Buffer.from(id), size, data]);
}
const uint = (n: number, bytes = 4) => {
  const b = Buffer.alloc(bytes);
  b.writeUIntBE(n, 0, bytes);
  return b;
};

/** A WebM: 320x240 VP9 + Opus, 2.5 s, ending in an unknown-size cluster. */
export function buildWebm(): Buffer {
  const header = ebml(
    [0x1a, 0x45, 0xdf, 0xa3],
    ebml([0x42, 0x86], uint(1, 1)),
    ebml([0x42, 0xf7], uint(1, 1)),
    ebml([0x42, 0xf2], uint(4, 1)),
    ebml([0x42, 0xf3], uint(8, 1)),
    ebml([0x42, 0x82], Buffer.from("webm")),
    ebml([0x42, 0x87], uint(4, 1)),
    ebml([0x42, 0x85], uint(2, 1)),
  );
  const duration = Buffer.alloc(8);
  duration.writeDoubleBE(2500);
  const info = ebml(
    [0x15, 0x49, 0xa9, 0x66],
    ebml([0x2a, 0xd7, 0xb1], uint(1_000_000, 3)),
    ebml([0x44, 0x89], duration),
  );
  const video = ebml(
    [0xae],
    ebml([0xd7], uint(1, 1)),
    ebml([0x83], uint(1, 1)),
    ebml([0x86], Buffer.from("V_VP9")),
    ebml([0xe0], ebml([0xb0], uint(320, 2)), ebml([0xba], uint(240, 2))),
  );
  const audio = ebml(
    [0xae],
    ebml([0xd7], uint(2, 1)),
    ebml([0x83], uint(2, 1)),
    ebml([0x86], Buffer.from("A_OPUS")),
  );
  const tracks = ebml([0x16, 0x54, 0xae, 0x6b], video, audio);
  const cluster = Buffer.concat([
    Buffer.from([0x1f, 0x43, 0xb6, 0x75, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    Buffer.alloc(2000, 1),
  ]);
  const segmentBody = Buffer.concat([info, tracks, cluster]);
  const segment = Buffer.concat([
    Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    segmentBody,
  ]);
  return Buffer.concat([header, segment]);
}
