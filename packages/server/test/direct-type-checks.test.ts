import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUploadHandler, defineProfile } from "../src/index";
import { call, directUpload } from "./support/call";
import { PNG_1X1, startEmulator, type TestEmulator } from "./support/emulator";

// A hostile browser: it gets a signed direct upload for an allowed-looking file, then POSTs other
// bytes straight to ImageKit, skipping the browser's checks and never calling `complete`.

const CHECKS_FAILED = "Your request failed 'checks' validation.";

const html = Buffer.from("<!doctype html><html><script>alert(document.cookie)</script></html>");
const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n");
/** An MP4 is an ISO media file: an `ftyp` box (size, "ftyp", brand, version, compatible brands). */
const mp4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from("ftypisom"),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from("isommp41"),
]);
const docx = zip({
  "[Content_Types].xml":
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
  "word/document.xml": "<w:document/>",
});

/** A zip of stored (uncompressed) entries: local headers, central directory, end record. */
function zip(entries: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(entries)) {
    const [nameBytes, data] = [Buffer.from(name), Buffer.from(text)];
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    local.copy(entry, 16, 14, 26); // crc, sizes
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, data);
    central.push(entry, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length / 2, 8);
  end.writeUInt16LE(central.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.dispose());

const storedPaths = async () =>
  ((await emulator.api("/v1/files")).body as { filePath: string }[]).map((f) => f.filePath).sort();

const profiles = {
  images: { folder: "/images", accept: ["image/*"] },
  videos: { folder: "/videos", accept: ["video/*"] },
  documents: { folder: "/documents", accept: [".pdf", ".docx", "text/plain"] },
};

const ACCEPTED_TYPE = { images: "image/png", videos: "video/mp4", documents: "application/pdf" };

/** Signs the file through the handler's sign route, then sends `bytes` (declared as `type`). */
async function signAndSend(
  kind: keyof typeof profiles,
  fileName: string,
  bytes: Buffer,
  type: string,
  declared = { name: fileName, type },
) {
  const handler = createUploadHandler({
    imagekit: emulator.imagekit,
    profiles: Object.fromEntries(
      Object.entries(profiles).map(([name, { folder, accept }]) => [
        name,
        defineProfile({ restrictions: { accept }, options: () => ({ folder }) }),
      ]),
    ),
  });
  const signed = await call(handler, `/api/upload/${kind}/sign`, {
    json: { files: [{ ...declared, size: bytes.length }] },
  });
  expect(signed.status).toBe(200);
  expect(signed.body.files[0].fields.checks).toContain('"file.mime"');
  return directUpload(signed.body.files[0], new Blob([new Uint8Array(bytes)], { type }), fileName);
}

describe.each([
  ["images", "an HTML page named and declared as a PNG", "avatar.png", html, "image/png"],
  ["images", "a PDF", "avatar.png", pdf, "image/png"],
  ["images", "a PDF under its own name", "report.pdf", pdf, "application/pdf"],
  ["videos", "a PNG named as an MP4", "clip.mp4", PNG_1X1, "video/mp4"],
  ["videos", "an HTML page named as an MP4", "clip.mp4", html, "video/mp4"],
  ["documents", "an HTML page", "page.html", html, "text/html"],
  ["documents", "an HTML page named as a PDF", "report.pdf", html, "application/pdf"],
  ["documents", "a PNG named as a PDF", "scan.pdf", PNG_1X1, "application/pdf"],
  ["documents", "an MP4 named as a DOCX", "letter.docx", mp4, "application/octet-stream"],
] as const)("the %s profile, sent %s", (kind, _, fileName, bytes, type) => {
  it("is refused by ImageKit's checks and stores nothing", async () => {
    const before = await storedPaths();
    // The browser declares a file the profile takes; the bytes it sends are another story.
    const declared = {
      name: `file.${ACCEPTED_TYPE[kind].split("/")[1]}`,
      type: ACCEPTED_TYPE[kind],
    };
    const res = await signAndSend(kind, fileName, bytes, type, declared);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(CHECKS_FAILED);
    expect(await storedPaths()).toEqual(before);
  });
});

describe.each([
  ["images", "a PNG", "avatar.png", PNG_1X1, "image/png", "image/png"],
  ["videos", "an MP4", "clip.mp4", mp4, "video/mp4", "video/mp4"],
  ["documents", "a PDF", "report.pdf", pdf, "application/pdf", "application/pdf"],
  [
    "documents",
    "a DOCX",
    "letter.docx",
    docx,
    "application/octet-stream",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ],
  ["documents", "a text file", "notes.txt", Buffer.from("hello\n"), "text/plain", "text/plain"],
] as const)("the %s profile, sent %s", (kind, _, fileName, bytes, type, detected) => {
  it("is stored in the profile's folder", async () => {
    const res = await signAndSend(kind, fileName, bytes, type);
    expect(res.status).toBe(200);
    expect(res.body.filePath.startsWith(`${profiles[kind].folder}/`)).toBe(true);
    const details = await emulator.api(`/v1/files/${res.body.fileId}/details`);
    expect(details.body.mime).toBe(detected);
  });
});
