// Multipart upload bodies whose file is generated as it is sent: an MP4 (ftyp, moov/mvhd, one
// mdat box of random filler), so both ImageKit's type checks and the emulator's video probe see
// a real container. The filler is one 1 MiB buffer sent again and again: the client never holds
// a file, and spends next to no CPU making one.
import { randomBytes } from "node:crypto";

// 1 MiB - 1: a multiple of 3, so that every whole chunk encodes to base64 on its own (the
// emulator bench's base64 uploads).
const FILLER = randomBytes(3 * 349_525);

function box(type, ...payload) {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(8 + payload.reduce((n, p) => n + p.length, 0));
  return Buffer.concat([size, Buffer.from(type, "latin1"), ...payload]);
}
const u32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

/** The chunks of an MP4 of exactly `size` bytes (60 s long, by its mvhd). */
export function* mp4Chunks(size) {
  const mvhd = box(
    "mvhd",
    ...[u32(0), u32(0), u32(0), u32(1000), u32(60_000), u32(0x10000)],
    Buffer.from([1, 0]),
    Buffer.alloc(10 + 36 + 24),
    u32(2),
  );
  const header = Buffer.concat([
    box("ftyp", Buffer.from("isom"), u32(512), Buffer.from("isomiso2mp41")),
    box("moov", mvhd),
  ]);
  const mdat = Buffer.concat([u32(size - header.length), Buffer.from("mdat")]);
  const first = Buffer.concat([header, mdat, FILLER.subarray(header.length + mdat.length)]);
  let left = size;
  for (let chunk = first; left > 0; chunk = FILLER) {
    const n = Math.min(left, chunk.length);
    yield n === chunk.length ? chunk : chunk.subarray(0, n);
    left -= n;
  }
}

/** Base64 of chunks that are multiples of 3 bytes (all but the last); repeats encoded once. */
export function* asBase64(chunks) {
  const encoded = new WeakMap();
  for (const chunk of chunks) {
    let text = encoded.get(chunk);
    if (!text) {
      text = Buffer.from(chunk.toString("base64"), "latin1");
      encoded.set(chunk, text);
    }
    yield text;
  }
}

/**
 * A `multipart/form-data` body: the text `fields` in order, then the file part `file` holding an
 * MP4 of `size` bytes named `fileName`, or with `base64`, that MP4 as a base64 text field (no
 * filename, no Content-Type), as ImageKit also takes it. `length` is the exact byte count, for
 * Content-Length.
 */
export function multipartUpload(fields, fileName, size, { base64 = false } = {}) {
  const boundary = `----upkitbench${randomBytes(12).toString("hex")}`;
  let head = "";
  for (const [name, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  head += base64
    ? `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n`
    : `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      "Content-Type: video/mp4\r\n\r\n";
  const headBytes = Buffer.from(head);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const fileLength = base64 ? 4 * Math.ceil(size / 3) : size;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length: headBytes.length + fileLength + tail.length,
    *chunks() {
      yield headBytes;
      yield* base64 ? asBase64(mp4Chunks(size)) : mp4Chunks(size);
      yield tail;
    },
  };
}
