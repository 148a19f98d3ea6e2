import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createUploadHandler, defineProfile } from "../src/index";
import { toNextHandlers } from "../src/next";
import { toNodeHandler } from "../src/node";
import { directUpload } from "./support/call";
import { PNG_1X1, startEmulator, type TestEmulator } from "./support/emulator";

let emulator: TestEmulator;
let server: Server;
let base: string;
let uploads: ReturnType<typeof build>;

const build = () =>
  createUploadHandler({
    imagekit: emulator.imagekit,
    profiles: {
      gallery: defineProfile({
        restrictions: { accept: ["image/*"] },
        options: () => ({ folder: "/gallery" }),
      }),
    },
  });

beforeAll(async () => {
  emulator = await startEmulator();
  uploads = build();
  server = createServer(toNodeHandler(uploads));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await emulator.dispose();
});

it("the Next.js adapter gives every method of a catch-all route file, all served by the one handler", async () => {
  const handlers = toNextHandlers(uploads);
  expect(Object.keys(handlers).sort()).toEqual([
    "DELETE",
    "GET",
    "HEAD",
    "OPTIONS",
    "PATCH",
    "POST",
  ]);
  const response = await handlers.GET(new Request("http://app.test/api/upload/config"));
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    profiles: { gallery: { restrictions: { accept: ["image/*"] }, transports: ["direct"] } },
  });
});

it("the node:http adapter serves the same routes over a real socket", async () => {
  const config = await fetch(`${base}/api/upload/config`);
  expect(config.status).toBe(200);
  const signed = await fetch(`${base}/api/upload/gallery/sign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ files: [{ name: "a.png", size: PNG_1X1.length, type: "image/png" }] }),
  });
  expect(signed.status).toBe(200);
  const [file] = (
    (await signed.json()) as { files: { uploadUrl: string; fields: Record<string, string> }[] }
  ).files;
  if (!file) throw new Error("no signed file");
  const uploaded = await directUpload(file, new Blob([new Uint8Array(PNG_1X1)]), "a.png");
  expect(uploaded.status).toBe(200);
  expect(uploaded.body.filePath).toMatch(/^\/gallery\//);
  const missing = await fetch(`${base}/api/upload/nope/sign`, { method: "POST" });
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({
    error: { code: "not-found", message: 'Unknown upload profile "nope".' },
  });
});
