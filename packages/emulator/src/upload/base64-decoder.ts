import { Transform, type TransformCallback } from "node:stream";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";

const INVALID = 0;
const SPACE = 1;
const DIGIT = 2;

/**
 * What each byte is in a base64 `file` field: a digit of the standard or the URL-safe alphabet
 * (`=` included, as before), whitespace that is skipped (what `\s` and `trimStart` match in
 * latin1 text, so that Ruby's `encode64` lines and a trailing newline go through), or invalid.
 */
const CLASS = new Uint8Array(256);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-")
  CLASS[c.charCodeAt(0)] = DIGIT;
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]) CLASS[c] = SPACE;

const EQUALS = 0x3d;
const DATA_URI = Buffer.from("data:", "latin1");
const COMMA = 0x2c;
/** A data URI's `data:<media type>;base64,` is short: past this, it is not one. */
const PREFIX_LIMIT = 4 * 1024;

const invalidFile = () => new ImageKitError(400, MESSAGES.invalidParameter("file"));

/**
 * Decodes a base64 `file` field as it streams, plain or as a data URI, and refuses anything that
 * is not base64 with ImageKit's 400. It works on the bytes: the data URI's prefix is skipped once,
 * and each chunk's whole 4-character groups are handed to Node's decoder as they are. That
 * decoder skips what is not in its alphabet (and stops at `=`), so it answers a chunk with fewer
 * than 3 bytes per group exactly when the chunk holds something else: only then is the chunk
 * read byte by byte, to drop whitespace or refuse it. The 0-3 characters that do not yet make a
 * group are carried to the next chunk. Padding ends the data: a digit after `=` is refused, where
 * Node's decoder would drop the rest of the chunk and the file would be stored cut short.
 */
export class Base64Decoder extends Transform {
  /** Until the data starts: what came so far, to find a data URI's comma in. */
  private head: Buffer | undefined = Buffer.alloc(0);
  private readonly carry = Buffer.alloc(4);
  private carried = 0;
  /** A `=` came: from here on only more `=` and whitespace may follow. */
  private padded = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const data = this.head ? this.skipPrefix(chunk) : chunk;
      if (data) this.decode(data);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      // A `data:` that never reached its comma is not base64; the start of one (`da`) is.
      const held = this.head;
      if (held && held.length >= DATA_URI.length) throw invalidFile();
      if (held?.length) this.decode(held);
    } catch (error) {
      callback(error as Error);
      return;
    }
    // ImageKit's docs upload `iVBORw0KGgoAAAAN` (16 chars), but unpadded input is decoded too.
    callback(null, this.carried ? decodeGroups(this.carry, 0, this.carried) : undefined);
  }

  /**
   * Returns the data after leading whitespace and a `data:...,` prefix, or nothing while it
   * cannot yet tell: the start of `data:`, or its comma, has not come yet.
   */
  private skipPrefix(chunk: Buffer): Buffer | undefined {
    const text = this.head?.length ? Buffer.concat([this.head, chunk]) : chunk;
    let start = 0;
    while (start < text.length && CLASS[text[start] as number] === SPACE) start++;
    const rest = text.subarray(start);
    if (rest.length < DATA_URI.length && rest.equals(DATA_URI.subarray(0, rest.length))) {
      this.head = Buffer.from(rest);
      return undefined;
    }
    if (!rest.subarray(0, DATA_URI.length).equals(DATA_URI)) {
      this.head = undefined;
      return rest;
    }
    // Held until the comma comes, but not without bound: that would be the whole upload.
    const comma = rest.subarray(0, PREFIX_LIMIT).indexOf(COMMA);
    if (comma === -1) {
      if (rest.length >= PREFIX_LIMIT) throw invalidFile();
      this.head = Buffer.from(rest);
      return undefined;
    }
    this.head = undefined;
    return rest.subarray(comma + 1);
  }

  private decode(data: Buffer): void {
    const start = this.carried ? this.completeGroup(data) : 0;
    if (this.padded) {
      this.decodeSlowly(data, start);
      return;
    }
    const whole = start + ((data.length - start) & ~3);
    const decoded = decodeGroups(data, start, whole);
    if (decoded.length === ((whole - start) / 4) * 3) {
      if (decoded.length) this.push(decoded);
      this.carryFrom(data, whole);
    } else {
      this.decodeSlowly(data, start);
    }
  }

  /** Fills the carried group from the start of `data`; returns where the rest of it begins. */
  private completeGroup(data: Buffer): number {
    let i = 0;
    while (this.carried < 4 && i < data.length) this.carryDigit(data[i++] as number);
    if (this.carried === 4) {
      this.push(decodeGroups(this.carry, 0, 4));
      this.carried = 0;
    }
    return i;
  }

  /** Whitespace or invalid bytes: keeps the digits of `data` (from `start`), then decodes them. */
  private decodeSlowly(data: Buffer, start: number): void {
    // Nothing is carried here: decode() completed the carried group first.
    const digits = Buffer.allocUnsafe(data.length - start);
    let n = 0;
    for (let i = start; i < data.length; i++) {
      const byte = data[i] as number;
      const kind = CLASS[byte];
      if (kind === DIGIT) digits[n++] = this.checkPadding(byte);
      else if (kind === INVALID) throw invalidFile();
    }
    const whole = n & ~3;
    if (whole) this.push(decodeGroups(digits, 0, whole));
    this.carryFrom(digits.subarray(0, n), whole);
  }

  /** Carries the digits of `data` from `from` on (fewer than 4 of them, with any whitespace). */
  private carryFrom(data: Buffer, from: number): void {
    for (let i = from; i < data.length; i++) this.carryDigit(data[i] as number);
  }

  /** Carries a digit, skips whitespace, refuses anything else. */
  private carryDigit(byte: number): void {
    const kind = CLASS[byte];
    if (kind === INVALID) throw invalidFile();
    if (kind === DIGIT) this.carry[this.carried++] = this.checkPadding(byte);
  }

  /** Returns a digit, noting padding, and refuses one that comes after padding. */
  private checkPadding(byte: number): number {
    if (byte === EQUALS) this.padded = true;
    else if (this.padded) throw invalidFile();
    return byte;
  }
}

/** Node's decoder on `bytes[start, end)`, as latin1 text (a copy, never a UTF-8 decode). */
function decodeGroups(bytes: Buffer, start: number, end: number): Buffer {
  return Buffer.from(bytes.toString("latin1", start, end), "base64");
}
