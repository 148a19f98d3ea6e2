import { expect, it } from "vitest";
import { formatDuration, formatPercent } from "../src/format-duration";
import { toAccept } from "../src/to-accept";

it("formats times left with Intl, in one unit", () => {
  expect(formatDuration(42, "en")).toBe("42 sec");
  expect(formatDuration(0.4, "en")).toBe("0 sec");
  expect(formatDuration(600, "en")).toBe("10 min");
  expect(formatDuration(9000, "en")).toBe("2.5 hr");
  expect(formatDuration(600, "de")).toBe("10 Min.");
});

it("formats percentages with Intl", () => {
  expect(formatPercent(0.423, "en")).toBe("42%");
  expect(formatPercent(1.2, "en")).toBe("100%");
  expect(formatPercent(0.5, "fr")).toMatch(/^50\s%$/);
});

it("turns the published accept patterns into react-dropzone's accept and the input's", () => {
  expect(toAccept(undefined)).toEqual({ dropzone: undefined, input: undefined });
  expect(toAccept(["image/*", "application/pdf"])).toEqual({
    dropzone: { "image/*": [], "application/pdf": [] },
    input: "image/*,application/pdf",
  });
  // An extension has no MIME type to hang on: no drag-time check rather than a wrong one.
  expect(toAccept(["image/*", ".pdf"])).toEqual({ dropzone: undefined, input: "image/*,.pdf" });
});
