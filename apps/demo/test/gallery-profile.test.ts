import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmulator, type Emulator } from "@upkit/emulator";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

let emulator: Emulator;
let dataDir: string;
let uploads: typeof import("../lib/uploads").uploads;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "demo-gallery-"));
  emulator = await createEmulator({ port: 0, dataDir });
  // The demo reads its backend when the module loads: point it at this emulator first.
  vi.stubEnv("IMAGEKIT_URL_ENDPOINT", emulator.urlEndpoint);
  vi.stubEnv("IMAGEKIT_UPLOAD_ENDPOINT", emulator.url);
  vi.stubEnv("IMAGEKIT_API_ENDPOINT", emulator.url);
  ({ uploads } = await import("../lib/uploads"));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await emulator.close();
  await rm(dataDir, { recursive: true, force: true });
});

const sign = (input: unknown) =>
  uploads(
    new Request("http://localhost/api/upload/gallery/sign", {
      method: "POST",
      headers: { "content-type": "application/json", cookie: "upkit-demo-user=ada" },
      body: JSON.stringify({ files: [{ name: "a.png", size: 70, type: "image/png" }], input }),
    }),
  );

const faults = (method: "POST" | "DELETE", rule?: unknown) =>
  fetch(`${emulator.url}/_emulator/faults`, {
    method,
    headers: { "content-type": "application/json" },
    body: rule === undefined ? undefined : JSON.stringify(rule),
  });

it("sets up the custom metadata fields before the first upload signs, and says so when it cannot", async () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  // ImageKit answers 503 to the first call and to each of the client's 3 retries.
  await faults("POST", { path: "/v1/customMetadataFields", times: 4, fault: { status: 503 } });
  const refused = await sign({ tags: [], caption: "Hello" });
  expect(refused.status).toBe(502);
  const body = await refused.text();
  expect(JSON.parse(body).error.message).toMatch(
    /^The custom metadata fields could not be listed in ImageKit: .+/,
  );
  expect(body).not.toContain("private_emulator_key");

  // The failure is not remembered: the next upload sets the fields up and signs.
  const signed = await sign({ tags: ["beach"], caption: "Hello", rating: 4 });
  expect(signed.status).toBe(200);
  const { files } = (await signed.json()) as { files: { fields: Record<string, string> }[] };
  expect(files[0]?.fields.tags).toBe("demo,gallery,beach");
  expect(JSON.parse(files[0]?.fields.customMetadata ?? "{}")).toEqual({
    caption: "Hello",
    rating: 4,
  });
  const fields = (await (
    await fetch(`${emulator.url}/v1/customMetadataFields`, {
      headers: { authorization: `Basic ${btoa("private_emulator_key:")}` },
    })
  ).json()) as { name: string }[];
  expect(fields.map(({ name }) => name)).toEqual(["caption", "rating"]);
});

it("refuses input outside the gallery's schema", async () => {
  const refused = await sign({ tags: ["100%"], rating: 6 });
  expect(refused.status).toBe(400);
  const { error } = (await refused.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe("invalid-input");
  expect(error.message).toContain("tags.0: A tag may not contain a comma or %");
  expect(error.message).toContain("rating:");
});
