import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  createUploadHandler,
  defineProfile,
  isKnownWebhookEvent,
  type WebhookEvent,
} from "../src/index";
import { toNodeHandler } from "../src/node";
import { call, directUpload } from "./support/call";
import { PNG_1X1, startEmulator, type TestEmulator } from "./support/emulator";

const secret = "whsec_route_test";
let emulator: TestEmulator;
let server: Server;
const events: WebhookEvent[] = [];
let app: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });

beforeAll(async () => {
  // The app's server comes first: the emulator must know where to send its webhooks.
  server = createServer(toNodeHandler((request) => app(request)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  emulator = await startEmulator({
    webhookUrl: `${appUrl}/api/upload/webhook`,
    webhookSecret: secret,
  });
  app = createUploadHandler({
    imagekit: emulator.imagekit,
    profiles: {
      gallery: defineProfile({
        options: () => ({ transformation: { post: [{ type: "thumbnail", value: "w-40,h-40" }] } }),
      }),
      streamed: defineProfile({
        transports: ["proxy"],
        options: () => ({ transformation: { post: [{ type: "thumbnail", value: "w-40,h-40" }] } }),
      }),
    },
    webhook: { secret, onWebhook: (event) => void events.push(event) },
  });
});
afterAll(async () => {
  await emulator.dispose();
  await new Promise((resolve) => server.close(resolve));
});

it("verifies ImageKit's webhooks and hands the typed events to onWebhook", async () => {
  const [file] = (
    await call(app, "/api/upload/gallery/sign", {
      json: { files: [{ name: "a.png", size: PNG_1X1.length, type: "image/png" }] },
    })
  ).body.files;
  const uploaded = await directUpload(file, new Blob([new Uint8Array(PNG_1X1)]), "a.png");
  expect(uploaded.status).toBe(200);
  await emulator.idle();

  const types = events.map((event) => event.type);
  expect(types).toContain("file.created");
  expect(types).toContain("upload.post-transform.success");
  const done = events.find((event) => event.type === "upload.post-transform.success");
  expect(
    done &&
      isKnownWebhookEvent(done) &&
      done.type === "upload.post-transform.success" &&
      done.data.fileId,
  ).toBe(uploaded.body.fileId);
});

it("tells the browser which post-transformations are still processing, from the webhooks", async () => {
  const [file] = (
    await call(app, "/api/upload/gallery/sign", {
      json: { files: [{ name: "b.png", size: PNG_1X1.length, type: "image/png" }] },
    })
  ).body.files;
  const uploaded = await directUpload(file, new Blob([new Uint8Array(PNG_1X1)]), "b.png");
  const done = await call(app, "/api/upload/gallery/complete", {
    json: { fileId: uploaded.body.fileId, completionToken: file.completionToken },
  });
  expect(done.body.processing).toEqual({ pending: ["thumbnail:w-40,h-40"], done: [], failed: [] });
  await emulator.idle();
  const status = await call(app, `/api/upload/gallery/status?fileId=${uploaded.body.fileId}`, {
    method: "GET",
  });
  expect(status.body).toEqual({ pending: [], done: ["thumbnail:w-40,h-40"], failed: [] });
});

it("follows the post-transformations of a proxy upload too", async () => {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(PNG_1X1)], { type: "image/png" }), "c.png");
  const done = await call(app, "/api/upload/streamed/proxy", { method: "POST", body: form });
  expect(done.status).toBe(200);
  expect(done.body.processing).toEqual({ pending: ["thumbnail:w-40,h-40"], done: [], failed: [] });
  await emulator.idle();
  const status = await call(app, `/api/upload/streamed/status?fileId=${done.body.file.fileId}`, {
    method: "GET",
  });
  expect(status.body).toEqual({ pending: [], done: ["thumbnail:w-40,h-40"], failed: [] });
});

it("refuses a webhook with a bad signature or none, and never calls onWebhook for it", async () => {
  const handler = createUploadHandler({
    imagekit: emulator.imagekit,
    profiles: {},
    webhook: {
      secret,
      onWebhook: () => {
        throw new Error("must not be called");
      },
    },
  });
  const body = JSON.stringify({
    id: "x",
    type: "file.created",
    created_at: new Date().toISOString(),
    data: { fileId: "f" },
  });
  const forged = await call(handler, "/api/upload/webhook", {
    method: "POST",
    body,
    headers: {
      "webhook-id": "x",
      "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
      "webhook-signature": "v1,Zm9yZ2Vk",
    },
  });
  expect(forged.status).toBe(401);
  expect(forged.body.error.code).toBe("unauthorized");
  const unsigned = await call(handler, "/api/upload/webhook", { method: "POST", body });
  expect(unsigned.status).toBe(401);
});
