import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmulator, type Emulator } from "@upkit/emulator";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { signInCookie } from "../lib/session";

let emulator: Emulator;
let dataDir: string;
let uploads: typeof import("../lib/uploads").uploads;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "demo-avatar-"));
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

/** Signs an avatar upload with this `cookie` header, as the browser would send it. */
const sign = (cookie?: string) =>
  uploads(
    new Request("http://localhost/api/upload/avatar/sign", {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ files: [{ name: "me.png", size: 70, type: "image/png" }] }),
    }),
  );

const fieldsOf = async (response: Response) => {
  expect(response.status).toBe(200);
  const { files } = (await response.json()) as { files: { fields: Record<string, string> }[] };
  return files[0]?.fields ?? {};
};

it("puts each user's avatar in a folder named by the slug of their name", async () => {
  const jane = await fieldsOf(await sign(signInCookie("Jane Doe").split(";")[0]));
  const zoe = await fieldsOf(await sign(signInCookie("Zoë Ångström-李").split(";")[0]));
  const ada = await fieldsOf(await sign(signInCookie("ada").split(";")[0]));
  expect(jane.folder).toMatch(/^\/demo\/users\/jane-doe-01332c\/?$/);
  expect(zoe.folder).toMatch(/^\/demo\/users\/zoe-angstrom-[0-9a-f]{6}\/?$/);
  expect(ada.folder).toMatch(/^\/demo\/users\/ada\/?$/);
  expect(jane.tags).toBe("avatar,jane-doe-01332c");
});

it("refuses a cookie the sign-in would not have written", async () => {
  for (const cookie of [undefined, "upkit-demo-user=..%2Fvictim", "upkit-demo-user=Jane%0ADoe"]) {
    const response = await sign(cookie);
    expect(response.status, cookie).toBe(401);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      "Sign in to upload.",
    );
  }
});
