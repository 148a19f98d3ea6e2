import { describe, expect, it } from "vitest";
import { formatFileSize } from "../src/format-file-size";
import { type FileSize, parseFileSize } from "../src/parse-file-size";

describe("parseFileSize", () => {
  it("reads the units users write, in SI units like formatFileSize shows them", () => {
    expect(parseFileSize("25MB")).toBe(25_000_000);
    expect(parseFileSize("512 KB")).toBe(512_000);
    expect(parseFileSize("512kB")).toBe(512_000);
    expect(parseFileSize("1.5GB")).toBe(1_500_000_000);
    expect(parseFileSize("2.01kB")).toBe(2010);
    expect(parseFileSize("10B")).toBe(10);
    expect(parseFileSize(1000)).toBe(1000);
  });
  it("reads the binary units when they are written", () => {
    expect(parseFileSize("4MiB")).toBe(4 * 1024 * 1024);
    expect(parseFileSize("512 KiB")).toBe(512 * 1024);
    expect(parseFileSize("1GiB")).toBe(1024 ** 3);
  });
  it("reads back what formatFileSize shows for it", () => {
    for (const size of ["4MB", "512kB", "1.5GB", "25MB"] as FileSize[]) {
      const shown = formatFileSize(parseFileSize(size), "en").replace(" ", "") as FileSize;
      expect(parseFileSize(shown)).toBe(parseFileSize(size));
    }
  });
  it("refuses what it cannot read", () => {
    expect(() => parseFileSize("25 parsecs" as never)).toThrow(/Invalid file size/);
    expect(() => parseFileSize("4MIBB" as never)).toThrow(/Invalid file size/);
    expect(() => parseFileSize(-1)).toThrow(/Invalid file size/);
  });
});
