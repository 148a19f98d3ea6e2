/**
 * The streaming base64 decoder of a text `file` field: whatever the chunks a request arrives in,
 * it gives the bytes Node's own decoder gives for the whole text, and refuses what is not base64
 * (ImageKit's 400 "invalid file parameter") wherever the bad byte falls.
 */
import { randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { ImageKitError } from "../../src/http/imagekit-error";
import { Base64Decoder } from "../../src/upload/base64-decoder";

async function decode(chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.push(chunk);
      callback();
    },
  });
  await pipeline(Readable.from(chunks), new Base64Decoder(), sink);
  return Buffer.concat(out);
}

/** Every split of `text` into two chunks, and into chunks of 1, 2, 3, 5 and 7 bytes. */
function* splits(text: Buffer): Generator<Buffer[]> {
  for (let at = 0; at <= text.length; at++) yield [text.subarray(0, at), text.subarray(at)];
  for (const size of [1, 2, 3, 5, 7]) {
    const chunks: Buffer[] = [];
    for (let at = 0; at < text.length; at += size) chunks.push(text.subarray(at, at + size));
    yield chunks;
  }
}

const bytes = randomBytes(300);
const plain = bytes.toString("base64");
const VALID: Record<string, { text: string; bytes: Buffer }> = {
  "plain, padded": { text: plain.slice(0, 24), bytes: bytes.subarray(0, 18) },
  "one padding character": {
    text: bytes.subarray(0, 20).toString("base64"),
    bytes: bytes.subarray(0, 20),
  },
  "two padding characters": {
    text: bytes.subarray(0, 19).toString("base64"),
    bytes: bytes.subarray(0, 19),
  },
  unpadded: {
    text: bytes.subarray(0, 19).toString("base64").replace(/=+$/, ""),
    bytes: bytes.subarray(0, 19),
  },
  "URL-safe alphabet": { text: bytes.toString("base64url"), bytes },
  "Ruby's encode64: a newline every 60 characters": {
    text: `${plain.replace(/(.{60})/g, "$1\n")}\n`,
    bytes,
  },
  "CRLF lines, tabs and spaces": { text: ` \t${plain.replace(/(.{76})/g, "$1\r\n")} \r\n`, bytes },
  "a data URI": { text: `data:image/png;base64,${plain}`, bytes },
  "a data URI after whitespace": {
    text: `\n  data:application/octet-stream;base64,${plain}\n`,
    bytes,
  },
  "base64 that starts as `data:` does": {
    text: "dataZm9v",
    bytes: Buffer.from("dataZm9v", "base64"),
  },
  "base64 shorter than `data:`": { text: "dat", bytes: Buffer.from("dat", "base64") },
  "a data URI with no media type": { text: `data:;base64,${plain}`, bytes },
};

describe("Base64Decoder", () => {
  for (const [name, c] of Object.entries(VALID)) {
    it(`${name}: the same bytes at every chunk boundary`, async () => {
      for (const chunks of splits(Buffer.from(c.text, "latin1"))) {
        expect((await decode(chunks)).equals(c.bytes)).toBe(true);
      }
    });
  }

  it("a large body in socket-sized chunks decodes whole", async () => {
    const big = randomBytes(3 * 100_000 + 1);
    const text = Buffer.from(big.toString("base64"), "latin1");
    const chunks: Buffer[] = [];
    for (let at = 0; at < text.length; at += 65_521) chunks.push(text.subarray(at, at + 65_521));
    expect((await decode(chunks)).equals(big)).toBe(true);
  });

  it("nothing, or whitespace only, decodes to nothing", async () => {
    expect((await decode([])).length).toBe(0);
    expect((await decode([Buffer.from(" \r\n\t ")])).length).toBe(0);
    expect((await decode([Buffer.from("data:image/png;base64,")])).length).toBe(0);
  });

  // Bytes no base64 alphabet has; `:` and `.` make a URL of another scheme, 0x85 and 0xff are
  // what a UTF-8 or latin1 text might hold.
  const INVALID = ["!", ":", ".", "*", "\u0000", "\u0085", "\u00ff", "é"];
  for (const bad of INVALID) {
    it(`refuses ${JSON.stringify(bad)} wherever it falls, whatever the chunks`, async () => {
      const text = plain.slice(0, 24);
      for (let at = 0; at <= text.length; at++) {
        const withBad = Buffer.from(text.slice(0, at) + bad + text.slice(at), "latin1");
        for (const chunks of splits(withBad)) {
          const error = await decode(chunks).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ImageKitError);
          expect(error).toMatchObject({
            status: 400,
            message: "Your request contains invalid file parameter.",
          });
        }
      }
    });
  }

  it("refuses data after padding, which would otherwise be stored cut short", async () => {
    const padded = bytes.subarray(0, 19).toString("base64");
    for (const text of [`${padded}${plain.slice(0, 8)}`, `${padded}\nQUFB`, "QUJD=QUJD", "QQ==Q"]) {
      for (const chunks of splits(Buffer.from(text, "latin1"))) {
        await expect(decode(chunks)).rejects.toBeInstanceOf(ImageKitError);
      }
    }
  });

  it("refuses a data URI that never reaches its comma", async () => {
    for (const chunks of splits(Buffer.from("data:QUFBQUFB"))) {
      await expect(decode(chunks)).rejects.toBeInstanceOf(ImageKitError);
    }
  });

  it("refuses a data URI prefix longer than 4 KiB without holding the upload", async () => {
    const prefix = Buffer.from(`data:${"a".repeat(4096)}`);
    await expect(decode([prefix, Buffer.from(";base64,QUFB")])).rejects.toBeInstanceOf(
      ImageKitError,
    );
  });
});
