import { expect, it } from "vitest";
import { formatFileSize } from "../src/format-file-size";

it("formats sizes with Intl in the user's locale", () => {
  expect(formatFileSize(512, "en")).toBe("512 byte");
  expect(formatFileSize(1536, "en")).toBe("1.5 kB");
  expect(formatFileSize(25 * 1024 * 1024, "de")).toBe("25 MB");
});
