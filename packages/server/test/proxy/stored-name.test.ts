import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PNG_1X1, startEmulator, type TestEmulator } from "../support/emulator";
import {
  bytesFile,
  concat,
  docxLikeZip,
  generatedFile,
  MiB,
  multipartBody,
  PDF_HEAD,
  proxyRequest,
  runProxy,
} from "./proxy-test-kit";

/** The stored name's extension agrees with the content, whatever the browser called the file. */

let emulator: TestEmulator;
let folders = 0;
const newFolder = () => `/stored-name/t${++folders}`;

beforeAll(async () => {
  emulator = await startEmulator({ maxFileSize: 16 * MiB });
});
afterAll(() => emulator.dispose());

const PDF = concat([PDF_HEAD, new TextEncoder().encode("trailer<<>>\n%%EOF\n")]);

async function upload(fileName: string, type: string, bytes: Uint8Array, folder = newFolder()) {
  const body = multipartBody([{ name: "file", fileName, type, file: bytesFile(bytes) }]);
  const { probe, result } = runProxy(emulator, proxyRequest(body), { folder });
  return { probe, uploaded: await result, folder };
}

/** The paths the emulator stores under `folder`. */
async function storedIn(folder: string): Promise<string[]> {
  const { body } = await emulator.api(`/v1/files?path=${encodeURIComponent(folder)}`);
  return (body as { filePath: string }[]).map((file) => file.filePath);
}

describe("recognised bytes: the name gets the content's extension", () => {
  it.each([
    ["invoice.exe", "application/x-msdownload"],
    ["page.html", "text/html"],
    ["page.html", "application/pdf"],
    ["scan", "application/octet-stream"],
  ])("PDF bytes named %s (%s) are stored as .pdf", async (fileName, type) => {
    const { probe, uploaded, folder } = await upload(fileName, type, PDF);
    const expected = `${fileName.replace(/\.[^.]*$/, "")}.pdf`;
    expect(uploaded.name).toBe(expected);
    expect(await storedIn(folder)).toEqual([`${folder}/${expected}`]);
    // The profile's options saw the corrected name, and so did ImageKit's form and file part.
    expect(probe.prepared[0]?.file).toMatchObject({ name: expected, type: "application/pdf" });
    expect(probe.uploads[0]?.fields.fileName).toBe(expected);
  });

  it("streams a large PDF named .html under a .pdf name", async () => {
    const file = generatedFile(4 * MiB, PDF_HEAD);
    const body = multipartBody([{ name: "file", fileName: "big.html", type: "text/html", file }]);
    const folder = newFolder();
    const { result } = runProxy(emulator, proxyRequest(body), { folder });
    expect(await result).toMatchObject({ name: "big.pdf", size: file.size });
    expect(await storedIn(folder)).toEqual([`${folder}/big.pdf`]);
  });

  it("keeps a PNG's name; ImageKit's unique suffix goes before the extension", async () => {
    const body = multipartBody([
      { name: "file", fileName: "photo.png", type: "image/png", file: bytesFile(PNG_1X1) },
    ]);
    const folder = newFolder();
    const { result } = runProxy(emulator, proxyRequest(body), {
      prepare: async ({ file }) => ({ fileName: file.name, folder, useUniqueFileName: "true" }),
    });
    const uploaded = await result;
    expect(uploaded.name).toMatch(/^photo_[A-Za-z0-9_-]+\.png$/);
    expect(uploaded.filePath).toBe(`${folder}/${uploaded.name}`);
  });

  it("corrects the name a profile chose, too", async () => {
    const folder = newFolder();
    const body = multipartBody([
      { name: "file", fileName: "photo.png", type: "image/png", file: bytesFile(PDF) },
    ]);
    const { probe, result } = runProxy(emulator, proxyRequest(body), {
      prepare: async () => ({ fileName: "avatar.png", folder, useUniqueFileName: "false" }),
    });
    expect((await result).name).toBe("avatar.pdf");
    expect(probe.prepared[0]?.file.name).toBe("photo.pdf");
    expect(await storedIn(folder)).toEqual([`${folder}/avatar.pdf`]);
  });
});

describe("containers and text", () => {
  it("keeps .docx on a document that reads as a plain zip", async () => {
    const { uploaded } = await upload(
      "letter.docx",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      docxLikeZip(),
    );
    expect(uploaded.name).toBe("letter.docx");
  });

  it("names unrecognised bytes by their declared type: text/plain named .html is .txt", async () => {
    const text = new TextEncoder().encode("<script>alert(1)</script>\n");
    const { uploaded, folder } = await upload("page.html", "text/plain", text);
    expect(uploaded.name).toBe("page.txt");
    expect(await storedIn(folder)).toEqual([`${folder}/page.txt`]);
  });

  it("leaves unrecognised bytes of an unknown type as named", async () => {
    const text = new TextEncoder().encode("just some bytes\n");
    const { uploaded } = await upload("notes.data", "application/octet-stream", text);
    expect(uploaded.name).toBe("notes.data");
  });
});
