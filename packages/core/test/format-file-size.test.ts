import { expect, it } from "vitest";
import { formatFileSize } from "../src/format-file-size";

it("formats sizes with Intl in the user's locale", () => {
  expect(formatFileSize(1500, "en")).toBe("1.5 kB");
  expect(formatFileSize(25_000_000, "de")).toBe("25 MB");
  expect(formatFileSize(1500, "fr")).toMatch(/^1,5\sko$/);
});

it("says bytes in the plural, and byte for one", () => {
  expect(formatFileSize(586, "en")).toBe("586 bytes");
  expect(formatFileSize(1, "en")).toBe("1 byte");
  expect(formatFileSize(0, "en")).toBe("0 bytes");
  expect(formatFileSize(2, "fr")).toMatch(/^2\soctets$/);
});

it("counts in SI units, 1 kB = 1000 bytes, as parseFileSize reads them", () => {
  expect(formatFileSize(105_931, "en")).toBe("105.9 kB");
  expect(formatFileSize(999, "en")).toBe("999 bytes");
  expect(formatFileSize(1000, "en")).toBe("1 kB");
  expect(formatFileSize(4_000_000, "en")).toBe("4 MB");
  expect(formatFileSize(4 * 1024 * 1024, "en")).toBe("4.2 MB");
  expect(formatFileSize(1.5e9, "en")).toBe("1.5 GB");
  expect(formatFileSize(2e12, "en")).toBe("2,000 GB");
});

it("goes up a unit rather than show 1,000 of one", () => {
  expect(formatFileSize(999_960, "en")).toBe("1 MB");
  expect(formatFileSize(999.7, "en")).toBe("1 kB");
});
