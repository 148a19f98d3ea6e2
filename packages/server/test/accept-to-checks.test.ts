import { describe, expect, it } from "vitest";
import { acceptToChecks } from "../src/signing/accept-to-checks";

/** The alternatives of a produced expression, without the outer parentheses. */
function terms(checks: string | undefined): string[] {
  if (checks === undefined) throw new Error("no checks");
  return checks.replace(/^\((.*)\)$/, "$1").split(" OR ");
}

describe("acceptToChecks", () => {
  it("binds nothing without an accept list", () => {
    expect(acceptToChecks(undefined)).toBeUndefined();
    expect(acceptToChecks([])).toBeUndefined();
  });

  it("translates a MIME family into ImageKit's documented 'starts with' on the type and slash", () => {
    expect(acceptToChecks(["image/*"])).toBe('"file.mime" : "image/"');
    expect(acceptToChecks(["video/*"])).toBe('"file.mime" : "video/"');
  });

  it("keeps an exact type as an equality", () => {
    expect(acceptToChecks(["application/pdf"])).toBe('"file.mime" = "application/pdf"');
    expect(acceptToChecks(["text/plain"])).toBe('"file.mime" = "text/plain"');
  });

  it("admits the detected type an accepted alias stands for", () => {
    expect(terms(acceptToChecks(["image/jpg"]))).toEqual([
      '"file.mime" = "image/jpg"',
      '"file.mime" = "image/jpeg"',
    ]);
    expect(terms(acceptToChecks(["video/x-msvideo"]))).toContain('"file.mime" = "video/vnd.avi"');
    // Audio-only WebM / MP4 / Ogg are detected as video: an audio profile must not refuse them.
    expect(terms(acceptToChecks(["audio/*"]))).toEqual(
      expect.arrayContaining(['"file.mime" : "audio/"', '"file.mime" = "video/webm"']),
    );
  });

  it("translates an extension through its MIME type", () => {
    expect(acceptToChecks([".pdf"])).toBe('"file.mime" = "application/pdf"');
    expect(acceptToChecks([" .PDF "])).toBe('"file.mime" = "application/pdf"');
    expect(acceptToChecks([".png"])).toBe(
      '("file.mime" = "image/png" OR "file.mime" = "image/apng")',
    );
  });

  it("admits the container of a format a detector may see only as a zip or OLE file", () => {
    expect(terms(acceptToChecks([".docx"]))).toEqual([
      '"file.mime" = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"',
      '"file.mime" = "application/zip"',
    ]);
    expect(terms(acceptToChecks([".doc"]))).toEqual([
      '"file.mime" = "application/msword"',
      '"file.mime" = "application/x-cfb"',
    ]);
  });

  it("joins a list as one parenthesised OR, without repeats, so it can be ANDed", () => {
    const checks = acceptToChecks(["image/*", "application/pdf", ".pdf"]);
    expect(checks).toBe('("file.mime" : "image/" OR "file.mime" = "application/pdf")');
    const documents = acceptToChecks([".pdf", ".docx", "text/plain"]);
    expect(documents).toMatch(/^\(.*\)$/);
    expect(terms(documents)).toHaveLength(4);
  });

  it("binds no type when one entry has no known MIME type: it would refuse that entry's files", () => {
    expect(acceptToChecks([".nosuchext"])).toBeUndefined();
    expect(acceptToChecks(["image/*", ".nosuchext"])).toBeUndefined();
  });

  it("uses only the documented forms: quoted field, `:` or `=`, quoted value", () => {
    const checks = acceptToChecks(["image/*", "audio/*", ".docx", ".m4a", "text/csv", ".js"]);
    for (const term of terms(checks)) expect(term).toMatch(/^"file\.mime" [:=] "[a-z0-9.+/-]+"$/);
  });

  it("refuses an entry that could change the expression", () => {
    expect(() => acceptToChecks(['image/png" OR "file.size" > "0'])).toThrow(TypeError);
  });
});
