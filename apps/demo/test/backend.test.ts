import { expect, it } from "vitest";
import { resolveBackend } from "../lib/backend";

it("uses the emulator when no ImageKit keys are set", () => {
  expect(resolveBackend({})).toEqual({
    kind: "emulator",
    urlEndpoint: "http://localhost:4500/upkit-demo",
  });
});

it("uses ImageKit when real keys are given", () => {
  const backend = resolveBackend({
    IMAGEKIT_PRIVATE_KEY: "private_real",
    IMAGEKIT_URL_ENDPOINT: "https://ik.imagekit.io/acme",
  });
  expect(backend).toEqual({ kind: "imagekit", urlEndpoint: "https://ik.imagekit.io/acme" });
});
