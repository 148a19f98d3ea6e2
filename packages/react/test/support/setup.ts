import "@testing-library/jest-dom/vitest";
import { cleanup } from "@testing-library/react";
import { afterEach, vi } from "vitest";

// jsdom has no object URLs: give each one a readable fake, and record revocations.
let next = 0;
export const objectUrls = new Set<string>();
URL.createObjectURL = vi.fn((blob: Blob) => {
  const url = `blob:upkit-test/${next++}/${blob.type}`;
  objectUrls.add(url);
  return url;
});
URL.revokeObjectURL = vi.fn((url: string) => {
  objectUrls.delete(url);
});

afterEach(() => {
  cleanup();
});
