import { describe, expect, it } from "vitest";
import { parseFileSize } from "../src/parse-file-size";

describe("parseFileSize", () => {
  it("reads the units users write", () => {
    expect(parseFileSize("25MB")).toBe(25 * 1024 * 1024);
    expect(parseFileSize("512 KB")).toBe(512 * 1024);
    expect(parseFileSize("1.5GB")).toBe(1.5 * 1024 ** 3);
    expect(parseFileSize(1000)).toBe(1000);
  });
  it("refuses what it cannot read", () => {
    expect(() => parseFileSize("25 parsecs" as never)).toThrow(/Invalid file size/);
    expect(() => parseFileSize(-1)).toThrow(/Invalid file size/);
  });
});
