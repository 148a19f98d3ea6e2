import { describe, expect, it } from "vitest";
import { checkFile, checkFiles, isAccepted } from "../src/check-file";
import { resolveRestrictions } from "../src/restrictions";

describe("restrictions", () => {
  const restrictions = resolveRestrictions({
    maxFileSize: "1MB",
    accept: ["image/*", ".pdf"],
    maxFiles: 2,
  });

  it("publish sizes in bytes (SI: 1MB is 1,000,000)", () => {
    expect(restrictions).toEqual({
      maxFileSize: 1_000_000,
      accept: ["image/*", ".pdf"],
      maxFiles: 2,
    });
  });

  it("accept by MIME pattern or extension", () => {
    expect(isAccepted(restrictions.accept, { name: "a.PNG", type: "image/png" })).toBe(true);
    expect(isAccepted(restrictions.accept, { name: "cv.pdf", type: "" })).toBe(true);
    expect(isAccepted(restrictions.accept, { name: "notes.txt", type: "text/plain" })).toBe(false);
    expect(isAccepted(undefined, { name: "anything", type: "" })).toBe(true);
  });

  it("reject a file per rule, with a code and a message", () => {
    expect(
      checkFile(restrictions, { name: "big.png", size: 2 * 1024 * 1024, type: "image/png" }),
    ).toEqual({
      code: "file-too-large",
      message: "big.png is larger than 1 MB",
    });
    expect(checkFile(restrictions, { name: "a.txt", size: 1, type: "text/plain" })?.code).toBe(
      "file-invalid-type",
    );
    expect(checkFile(restrictions, { name: "a.png", size: 1, type: "image/png" })).toBeUndefined();
  });

  it("draw the line where the message says: 1 MB is 1,000,000 bytes", () => {
    const at = (size: number) =>
      checkFile(restrictions, { name: "a.png", size, type: "image/png" });
    expect(at(1_000_000)).toBeUndefined();
    expect(at(1_000_001)?.message).toBe("a.png is larger than 1 MB");
  });

  it("reject a file under minFileSize with a code of its own", () => {
    const small = resolveRestrictions({ minFileSize: "1KB" });
    expect(checkFile(small, { name: "tiny.png", size: 10, type: "image/png" })).toEqual({
      code: "file-too-small",
      message: "tiny.png is smaller than 1 kB",
    });
    expect(checkFile(small, { name: "ok.png", size: 1000, type: "image/png" })).toBeUndefined();
  });

  it("count only accepted files against maxFiles, including those already queued", () => {
    const files = [
      { name: "a.png", size: 1, type: "image/png" },
      { name: "x.txt", size: 1, type: "text/plain" },
      { name: "b.png", size: 1, type: "image/png" },
      { name: "c.png", size: 1, type: "image/png" },
    ];
    expect(checkFiles(restrictions, files).map((r) => r?.code)).toEqual([
      undefined,
      "file-invalid-type",
      undefined,
      "too-many-files",
    ]);
    expect(checkFiles(restrictions, files.slice(0, 1), 2).map((r) => r?.code)).toEqual([
      "too-many-files",
    ]);
  });

  it("refuse a restriction that cannot be right, at start", () => {
    expect(() => resolveRestrictions({ accept: ["images"] })).toThrow(/Invalid accept pattern/);
    expect(() => resolveRestrictions({ maxFiles: 0 })).toThrow(/Invalid maxFiles/);
  });
});
