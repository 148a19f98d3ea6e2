/**
 * The type rules of the proxy, on real bytes sniffed by file-type: content first, the declared
 * type only where the content cannot tell (text, or a container whose kind lies further in).
 */
import type { PublicRestrictions } from "@upkit/core";
import { describe, expect, it } from "vitest";
import { checkFileContent, SNIFF_BYTES, sniffFileType } from "../../src/proxy/check-file-content";
import { PNG_1X1 } from "../support/emulator";
import { concat, docxLikeZip, PDF_HEAD } from "./proxy-test-kit";

const text = (value: string) => new TextEncoder().encode(value);
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...text("JFIF"), 0, 1, 1, 0]);
const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** A PNG with an `acTL` chunk before its image data: an animated PNG. */
function apng(): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, data.length);
    return concat([length, text(type), data, new Uint8Array(4)]);
  };
  const ihdr = PNG_1X1.subarray(8, 8 + 25);
  return concat([
    PNG_1X1.subarray(0, 8),
    ihdr,
    chunk("acTL", new Uint8Array(8)),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

async function check(
  restrictions: PublicRestrictions,
  bytes: Uint8Array,
  name: string,
  declaredType: string,
) {
  const sniffed = await sniffFileType(bytes.subarray(0, SNIFF_BYTES));
  return checkFileContent(restrictions, { name, size: bytes.length, declaredType, sniffed });
}

describe("sniffFileType", () => {
  it("names what file-type recognises, and nothing else", async () => {
    expect(await sniffFileType(PNG_1X1)).toEqual({ ext: "png", mime: "image/png" });
    expect(await sniffFileType(PDF_HEAD)).toEqual({ ext: "pdf", mime: "application/pdf" });
    expect(await sniffFileType(text("a,b\n1,2\n"))).toBeUndefined();
    expect(await sniffFileType(new Uint8Array(0))).toBeUndefined();
    // The first 4100 bytes of this .docx show only a zip.
    expect(await sniffFileType(docxLikeZip().subarray(0, SNIFF_BYTES))).toEqual({
      ext: "zip",
      mime: "application/zip",
    });
  });
});

describe("checkFileContent", () => {
  it("judges recognised bytes by their sniffed type, whatever the name or declared type", async () => {
    // A PNG renamed .pdf is neither application/pdf nor .pdf.
    for (const accept of [["application/pdf"], [".pdf"]]) {
      expect(await check({ accept }, PNG_1X1, "scan.pdf", "application/pdf")).toEqual({
        code: "file-invalid-type",
        message: `scan.pdf is image/png by its content, which is not accepted (${accept[0]})`,
      });
    }
    expect(
      await check({ accept: ["image/*"] }, PNG_1X1, "scan.pdf", "application/pdf"),
    ).toBeUndefined();
    expect(
      await check({ accept: [".png"] }, PNG_1X1, "scan.pdf", "application/pdf"),
    ).toBeUndefined();
    // A PDF renamed .png is no image.
    expect(
      (await check({ accept: ["image/*", ".png"] }, PDF_HEAD, "cat.png", "image/png"))?.code,
    ).toBe("file-invalid-type");
  });

  it("knows the other names of a sniffed type and its extensions", async () => {
    expect(await check({ accept: [".jpeg"] }, JPEG, "photo.jpeg", "image/jpeg")).toBeUndefined();
    expect(await check({ accept: ["image/jpg"] }, JPEG, "photo.jpg", "image/jpg")).toBeUndefined();
    // file-type calls an animated PNG image/apng; it is a PNG all the same.
    expect(await sniffFileType(apng())).toEqual({ ext: "apng", mime: "image/apng" });
    expect(
      await check({ accept: ["image/png", ".png"] }, apng(), "anim.png", "image/png"),
    ).toBeUndefined();
  });

  it("takes a container's declared kind when it lives in that container", async () => {
    const docx = docxLikeZip();
    expect(await check({ accept: [DOCX_MIME] }, docx, "report.docx", DOCX_MIME)).toBeUndefined();
    expect(await check({ accept: [".docx"] }, docx, "report.docx", "")).toBeUndefined();
    // A zip posing as a PDF, or a plain .zip for a Word profile, is judged as the zip it is.
    expect(
      (await check({ accept: ["application/pdf"] }, docx, "x.pdf", "application/pdf"))?.code,
    ).toBe("file-invalid-type");
    expect((await check({ accept: [".docx"] }, docx, "x.zip", "application/zip"))?.code).toBe(
      "file-invalid-type",
    );
  });

  it("judges text (no magic bytes) by its declared type and extension", async () => {
    const csv = text("id,name\n1,Ada\n");
    expect(await check({ accept: ["text/csv"] }, csv, "people.csv", "text/csv")).toBeUndefined();
    expect(await check({ accept: [".csv"] }, csv, "people.csv", "")).toBeUndefined();
    expect((await check({ accept: ["image/*"] }, csv, "people.csv", "text/csv"))?.code).toBe(
      "file-invalid-type",
    );
    // SVG is text: accepted as the image/svg+xml it declares (list exact types to keep it out).
    const svg = text('<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect(await check({ accept: ["image/*"] }, svg, "logo.svg", "image/svg+xml")).toBeUndefined();
    expect(await check({ accept: ["image/png"] }, svg, "logo.svg", "image/svg+xml")).toEqual({
      code: "file-invalid-type",
      message: "logo.svg is not an accepted type (image/png)",
    });
    // With an XML prolog file-type says application/xml, and SVG lives in XML.
    const svgWithProlog = text(
      `<?xml version="1.0"?>${'<svg xmlns="http://www.w3.org/2000/svg"/>'}`,
    );
    expect(
      await check({ accept: [".svg"] }, svgWithProlog, "logo.svg", "image/svg+xml"),
    ).toBeUndefined();
    expect(
      (await check({ accept: ["image/*"] }, svgWithProlog, "logo.png", "image/png"))?.code,
    ).toBe("file-invalid-type");
  });

  it("refuses bytes without the signature their name or type claims", async () => {
    const script = text("<script>alert(1)</script>");
    for (const [name, type] of [
      ["photo.png", "image/png"],
      ["photo.png", ""],
      ["photo", "image/jpeg"],
      ["report.pdf", "application/octet-stream"],
    ] as const) {
      expect(await check({ accept: ["image/*", ".pdf"] }, script, name, type)).toMatchObject({
        code: "file-invalid-type",
        message: expect.stringMatching(/does not contain what its name or type says/),
      });
    }
  });

  it("accepts any type without accept patterns, but always checks sizes", async () => {
    expect(await check({}, PNG_1X1, "scan.pdf", "application/pdf")).toBeUndefined();
    expect(await check({ maxFileSize: 10 }, PNG_1X1, "pixel.png", "image/png")).toMatchObject({
      code: "file-too-large",
    });
    expect(await check({ minFileSize: 1000 }, PNG_1X1, "pixel.png", "image/png")).toMatchObject({
      code: "file-too-small",
      message: expect.stringMatching(/smaller than/),
    });
  });
});
