import { afterAll, beforeAll, expect, it } from "vitest";
import { createUploadHandler, defineProfile } from "../../src/index";
import { call } from "../support/call";
import { startEmulator, type TestEmulator } from "../support/emulator";

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.dispose());

const signName = async (name: string, type: string) => {
  const handler = createUploadHandler({
    imagekit: emulator.imagekit,
    profiles: { docs: defineProfile({ restrictions: { accept: [".pdf", "image/*"] } }) },
  });
  const signed = await call(handler, "/api/upload/docs/sign", {
    json: { files: [{ name, size: 10, type }] },
  });
  return { status: signed.status, fileName: signed.body.files?.[0]?.fields.fileName as string };
};

it("signs a name whose extension agrees with the declared type", async () => {
  expect((await signName("invoice.exe", "application/pdf")).fileName).toMatch(
    /^invoice_[A-Za-z0-9]{9}\.pdf$/,
  );
  // Without an extension, `.pdf` is not matched by name: the corrected name is what is checked.
  expect((await signName("scan", "application/pdf")).fileName).toMatch(
    /^scan_[A-Za-z0-9]{9}\.pdf$/,
  );
  expect((await signName("Photo.JPG", "image/jpeg")).fileName).toMatch(
    /^Photo_[A-Za-z0-9]{9}\.JPG$/,
  );
  expect((await signName("page.html", "text/html")).status).toBe(415);
});
