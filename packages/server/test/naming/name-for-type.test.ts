import { describe, expect, it } from "vitest";
import { nameForType } from "../../src/naming/name-for-type";

describe("nameForType", () => {
  it("keeps a name whose extension belongs to the type, whatever its case", () => {
    expect(nameForType("report.pdf", "application/pdf")).toBe("report.pdf");
    expect(nameForType("IMG.JPG", "image/jpeg")).toBe("IMG.JPG");
    expect(nameForType("people.csv", "text/csv")).toBe("people.csv");
    expect(nameForType("archive.tar.gz", "application/gzip")).toBe("archive.tar.gz");
  });

  it("accepts the other extensions of a type, and those file-type's aliases carry", () => {
    expect(nameForType("photo.jpeg", "image/jpeg")).toBe("photo.jpeg");
    expect(nameForType("photo.jfif", "image/jpeg")).toBe("photo.jfif");
    expect(nameForType("anim.png", "image/apng")).toBe("anim.png");
    expect(nameForType("clip.mov", "video/quicktime")).toBe("clip.mov");
    expect(nameForType("song.m4a", "video/mp4")).toBe("song.m4a");
    expect(nameForType("scan.TIFF", "image/tiff")).toBe("scan.TIFF");
    expect(nameForType("voice.ogg", "audio/ogg")).toBe("voice.ogg");
    // A browser's alias of the type is read as the type.
    expect(nameForType("photo.jpg", "image/jpg")).toBe("photo.jpg");
    expect(nameForType("photo.png", "image/jpg")).toBe("photo.jpg");
  });

  it("replaces an extension that does not belong with the type's usual one", () => {
    expect(nameForType("invoice.exe", "application/pdf")).toBe("invoice.pdf");
    expect(nameForType("page.html", "application/pdf")).toBe("page.pdf");
    expect(nameForType("page.html", "text/plain")).toBe("page.txt");
    expect(nameForType("photo.png", "image/jpeg")).toBe("photo.jpg");
    expect(nameForType("track.wav", "audio/mpeg")).toBe("track.mp3");
    expect(nameForType("shell.php.png", "application/pdf")).toBe("shell.php.pdf");
  });

  it("appends one to a name without an extension", () => {
    expect(nameForType("scan", "application/pdf")).toBe("scan.pdf");
    // Digits, or a segment with spaces, are part of the name.
    expect(nameForType("v1.2", "application/pdf")).toBe("v1.2.pdf");
    expect(nameForType("Dr. Smith report", "application/pdf")).toBe("Dr. Smith report.pdf");
  });

  it("reads the type without its parameters, in any case", () => {
    expect(nameForType("notes.html", "Text/Plain; charset=utf-8")).toBe("notes.txt");
    expect(nameForType("notes.txt", " text/plain ;charset=utf-8")).toBe("notes.txt");
  });

  it("leaves the name alone for an empty, generic or unknown type", () => {
    for (const type of [
      "",
      "  ",
      "application/octet-stream",
      "application/x-unheard-of",
      "nonsense",
    ]) {
      expect(nameForType("invoice.exe", type)).toBe("invoice.exe");
      expect(nameForType("report.pdf.", type)).toBe("report.pdf.");
    }
  });

  it("treats a name that is only an extension as one", () => {
    expect(nameForType(".png", "image/png")).toBe(".png");
    expect(nameForType(".png", "application/pdf")).toBe(".pdf");
    expect(nameForType(".", "application/pdf")).toBe(".pdf");
  });

  it("never turns a name that validation refuses into one it accepts", () => {
    expect(nameForType("   ", "application/pdf")).toBe("   ");
    expect(nameForType("", "application/pdf")).toBe("");
    expect(nameForType("a.pdf\n", "application/pdf")).toContain("\n");
    expect(nameForType("a\u0001b", "application/pdf")).toBe("a\u0001b.pdf");
  });

  it("drops trailing dots and spaces, which could hide the real extension", () => {
    expect(nameForType("invoice.pdf.", "application/pdf")).toBe("invoice.pdf");
    expect(nameForType("page.html. . ", "application/pdf")).toBe("page.pdf");
    expect(nameForType("scan...", "application/pdf")).toBe("scan.pdf");
  });

  it("keeps a corrected name within 255 characters, or the original's length if longer", () => {
    const long = `${"a".repeat(300)}.exe`;
    const fixed = nameForType(long, "application/pdf");
    expect(fixed).toBe(`${"a".repeat(300)}.pdf`);

    const atLimit = "b".repeat(255);
    const appended = nameForType(atLimit, "application/pdf");
    expect(appended).toHaveLength(255);
    expect(appended).toBe(`${"b".repeat(251)}.pdf`);

    const longest = "c".repeat(1024);
    expect(nameForType(longest, "application/pdf")).toHaveLength(1024);
    // A surrogate pair is never cut in half.
    const emoji = "😀".repeat(200);
    const cut = nameForType(emoji, "application/pdf");
    expect(cut.length).toBeLessThanOrEqual(400);
    expect(cut.endsWith(".pdf")).toBe(true);
    expect(cut.slice(0, -4)).toBe("😀".repeat((cut.length - 4) / 2));
  });

  it("is idempotent", () => {
    const cases: [string, string][] = [
      ["invoice.exe", "application/pdf"],
      ["scan", "image/png"],
      ["page.html.", "text/plain"],
      [`${"d".repeat(400)}.exe`, "video/mp4"],
      [".png", "audio/mpeg"],
    ];
    for (const [name, type] of cases) {
      const once = nameForType(name, type);
      expect(nameForType(once, type)).toBe(once);
    }
  });
});
