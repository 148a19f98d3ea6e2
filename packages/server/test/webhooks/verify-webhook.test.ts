import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { UploadError } from "@upkit/core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createImageKitClient } from "../../src/imagekit/create-imagekit-client";
import { verifyWebhook } from "../../src/webhooks/verify-webhook";
import { isKnownWebhookEvent, type WebhookEvent } from "../../src/webhooks/webhook-event";
import { expectUploadError, png, startEmulator, type TestEmulator } from "../imagekit/support";

const SECRET = "whsec_upkit_test_secret";

interface Delivery {
  rawBody: string;
  headers: Headers;
}

/** A webhook endpoint: keeps every request's raw body and headers. */
async function startReceiver() {
  const deliveries: Delivery[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    deliveries.push({
      rawBody: Buffer.concat(chunks).toString("utf8"),
      headers: toHeaders(req.headers),
    });
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming))
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  return headers;
}

/** Uploads a PNG with a thumbnail post-transformation and waits for every webhook. */
async function uploadWithThumbnail(emulator: TestEmulator) {
  const client = createImageKitClient(emulator.config);
  const result = await client.upload(
    { fileName: "hook.png", transformation: JSON.stringify({ post: [{ type: "thumbnail" }] }) },
    { body: new Blob([png(32, 24)]), fileName: "hook.png", contentType: "image/png" },
  );
  await emulator.idle();
  return result;
}

const byType = (deliveries: Delivery[], type: string) => {
  const found = deliveries.find((delivery) => JSON.parse(delivery.rawBody).type === type);
  if (!found) throw new Error(`no ${type} webhook among ${deliveries.length}`);
  return found;
};

const withHeader = (headers: Headers, name: string, value: string | null) => {
  const copy = new Headers(headers);
  if (value === null) copy.delete(name);
  else copy.set(name, value);
  return copy;
};

describe("Standard Webhooks, as the emulator sends them", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let emulator: TestEmulator;
  let fileId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    emulator = await startEmulator({ webhookUrl: receiver.url, webhookSecret: SECRET });
    ({ fileId } = await uploadWithThumbnail(emulator));
  });
  afterAll(async () => {
    await emulator.dispose();
    await receiver.close();
  });

  it("verifies file.created and upload.post-transform.success, typed by their type", async () => {
    expect(receiver.deliveries.length).toBeGreaterThanOrEqual(2);
    const created = byType(receiver.deliveries, "file.created");
    expect(created.headers.get("webhook-signature")).toMatch(/^v1,/);
    const createdEvent = await verifyWebhook(created.rawBody, created.headers, SECRET);
    expect(isKnownWebhookEvent(createdEvent)).toBe(true);
    if (isKnownWebhookEvent(createdEvent) && createdEvent.type === "file.created") {
      expect(createdEvent.data.fileId).toBe(fileId);
      expect(createdEvent.data.mime).toBe("image/png");
    } else throw new Error("not a file.created event");

    const post = byType(receiver.deliveries, "upload.post-transform.success");
    const postEvent = await verifyWebhook(post.rawBody, post.headers, SECRET);
    if (isKnownWebhookEvent(postEvent) && postEvent.type === "upload.post-transform.success") {
      expect(postEvent.data.fileId).toBe(fileId);
      expect(postEvent.data.url).toContain("tr:");
      expect(postEvent.request?.transformation.type).toBe("thumbnail");
      expect(postEvent.request?.x_request_id).toEqual(expect.any(String));
    } else throw new Error("not an upload.post-transform.success event");
  });

  it("agrees with the standardwebhooks library keyed as ImageKit's SDK keys it", async () => {
    const { rawBody, headers } = byType(receiver.deliveries, "file.created");
    const official = new Webhook(Buffer.from(SECRET).toString("base64"));
    expect(() => official.verify(rawBody, Object.fromEntries(headers))).not.toThrow();
  });

  it("rejects a tampered body, a wrong secret, and stale or future timestamps", async () => {
    const { rawBody, headers } = byType(receiver.deliveries, "file.created");
    const tampered = rawBody.replace(fileId, "000000000000000000000000");
    const bad = await expectUploadError(verifyWebhook(tampered, headers, SECRET), "unauthorized");
    expect(bad.message).toBe("The webhook signature does not match");
    await expectUploadError(verifyWebhook(rawBody, headers, `${SECRET}x`), "unauthorized");

    const sentAt = Number(headers.get("webhook-timestamp")) * 1000;
    const stale = await expectUploadError(
      verifyWebhook(rawBody, headers, SECRET, { now: () => sentAt + 301_000 }),
      "unauthorized",
    );
    expect(stale.message).toMatch(/too old/);
    await expectUploadError(
      verifyWebhook(rawBody, headers, SECRET, { now: () => sentAt - 301_000 }),
      "unauthorized",
    );
    await expect(
      verifyWebhook(rawBody, headers, SECRET, { now: () => sentAt + 299_000 }),
    ).resolves.toMatchObject({ type: "file.created" });
    await expectUploadError(
      verifyWebhook(rawBody, headers, SECRET, { now: () => sentAt + 11_000, toleranceSeconds: 10 }),
      "unauthorized",
    );
  });

  it("rejects missing or malformed headers", async () => {
    const { rawBody, headers } = byType(receiver.deliveries, "file.created");
    const none = await expectUploadError(
      verifyWebhook(rawBody, new Headers(), SECRET),
      "unauthorized",
    );
    expect(none.message).toMatch(/not signed/);
    const noId = await expectUploadError(
      verifyWebhook(rawBody, withHeader(headers, "webhook-id", null), SECRET),
      "bad-request",
    );
    expect(noId.message).toBe("The webhook-id header is missing");
    await expectUploadError(
      verifyWebhook(rawBody, withHeader(headers, "webhook-timestamp", null), SECRET),
      "bad-request",
    );
    await expectUploadError(
      verifyWebhook(rawBody, withHeader(headers, "webhook-timestamp", "yesterday"), SECRET),
      "bad-request",
    );
    await expectUploadError(
      verifyWebhook(rawBody, withHeader(headers, "webhook-signature", "v1,not base64!"), SECRET),
      "unauthorized",
    );
    await expectUploadError(
      verifyWebhook(rawBody, withHeader(headers, "webhook-signature", ""), SECRET),
      "unauthorized",
    );
    // A signature of another id: the id is part of what is signed.
    await expectUploadError(
      verifyWebhook(rawBody, withHeader(headers, "webhook-id", "msg_other"), SECRET),
      "unauthorized",
    );
    await expectUploadError(verifyWebhook(rawBody, headers, ""), "internal-error");
  });

  it("accepts any matching one of several signatures (secret rotation)", async () => {
    const { rawBody, headers } = byType(receiver.deliveries, "file.created");
    const current = headers.get("webhook-signature") ?? "";
    const rotated = withHeader(
      headers,
      "webhook-signature",
      `v1,${btoa("x".repeat(32))} ${current}`,
    );
    await expect(verifyWebhook(rawBody, rotated, SECRET)).resolves.toMatchObject({
      type: "file.created",
    });
  });
});

describe("events the emulator does not send, signed with the standardwebhooks library", () => {
  const official = new Webhook(Buffer.from(SECRET).toString("base64"));
  const signed = (body: unknown) => {
    const rawBody = typeof body === "string" ? body : JSON.stringify(body);
    const id = "msg_2abc";
    const at = new Date();
    return {
      rawBody,
      headers: new Headers({
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": official.sign(id, at, rawBody),
      }),
    };
  };
  const envelope = {
    id: "7e1c4f1e-1111-4a4a-9999-000000000000",
    created_at: "2026-01-01T00:00:00Z",
  };

  it("passes an unknown type through, its data unknown", async () => {
    const { rawBody, headers } = signed({ ...envelope, type: "asset.archived", data: { any: 1 } });
    const event: WebhookEvent = await verifyWebhook(rawBody, headers, SECRET);
    expect(event).toMatchObject({ type: "asset.archived", data: { any: 1 } });
    expect(isKnownWebhookEvent(event)).toBe(false);
  });

  it("types the documented video and deletion events, keeping unknown fields", async () => {
    const video = signed({
      ...envelope,
      type: "video.transformation.ready",
      request: { x_request_id: "r1", url: "https://ik.imagekit.io/demo/v.mp4?tr=f-webm", extra: 1 },
      data: {
        asset: { url: "https://ik.imagekit.io/demo/v.mp4" },
        transformation: { type: "video-transformation", output: { url: "https://x/y.webm" } },
        timings: { download_duration: 1, encoding_duration: 2 },
      },
    });
    const event = await verifyWebhook(video.rawBody, video.headers, SECRET);
    if (isKnownWebhookEvent(event) && event.type === "video.transformation.ready") {
      expect(event.data.transformation.output?.url).toBe("https://x/y.webm");
      expect(event.request).toMatchObject({ extra: 1 });
    } else throw new Error("not typed as video.transformation.ready");

    const deleted = signed({
      ...envelope,
      type: "file-version.deleted",
      data: { fileId: "f", versionId: "v" },
    });
    await expect(verifyWebhook(deleted.rawBody, deleted.headers, SECRET)).resolves.toMatchObject({
      data: { fileId: "f", versionId: "v" },
    });
  });

  it("rejects a correctly signed body that is not JSON or not an event", async () => {
    const text = signed("not json");
    await expectUploadError(verifyWebhook(text.rawBody, text.headers, SECRET), "bad-request");
    const noEnvelope = signed({ hello: "world" });
    await expectUploadError(
      verifyWebhook(noEnvelope.rawBody, noEnvelope.headers, SECRET),
      "bad-request",
    );
    // A documented type whose data lacks what it cannot do without does not fall back to unknown.
    const broken = signed({ ...envelope, type: "file.deleted", data: {} });
    const error = await expectUploadError(
      verifyWebhook(broken.rawBody, broken.headers, SECRET),
      "bad-request",
    );
    expect(error).toBeInstanceOf(UploadError);
  });
});

describe("legacy x-ik-signature, as the emulator sends it", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let emulator: TestEmulator;
  let fileId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    emulator = await startEmulator({
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
      legacyWebhookSignature: true,
    });
    ({ fileId } = await uploadWithThumbnail(emulator));
  });
  afterAll(async () => {
    await emulator.dispose();
    await receiver.close();
  });

  it("verifies the events", async () => {
    const post = byType(receiver.deliveries, "upload.post-transform.success");
    expect(post.headers.get("webhook-signature")).toBeNull();
    expect(post.headers.get("x-ik-signature")).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = await verifyWebhook(post.rawBody, post.headers, SECRET);
    expect(event).toMatchObject({ type: "upload.post-transform.success", data: { fileId } });
  });

  it("rejects a tampered body, a wrong secret, a stale timestamp and malformed headers", async () => {
    const { rawBody, headers } = byType(receiver.deliveries, "file.created");
    await expect(verifyWebhook(rawBody, headers, SECRET)).resolves.toMatchObject({
      type: "file.created",
    });
    await expectUploadError(verifyWebhook(`${rawBody} `, headers, SECRET), "unauthorized");
    await expectUploadError(verifyWebhook(rawBody, headers, "whsec_other"), "unauthorized");

    const header = headers.get("x-ik-signature") ?? "";
    const t = Number(/t=(\d+)/.exec(header)?.[1]);
    await expectUploadError(
      verifyWebhook(rawBody, headers, SECRET, { now: () => t + 301_000 }),
      "unauthorized",
    );
    // Re-signed with a fresh timestamp by hand (as the `imagekit` 6.x SDK checks it): still valid.
    const now = Date.now();
    const v1 = createHmac("sha256", SECRET).update(`${now}.${rawBody}`).digest("hex");
    await expect(
      verifyWebhook(rawBody, withHeader(headers, "x-ik-signature", `t=${now},v1=${v1}`), SECRET),
    ).resolves.toMatchObject({ type: "file.created" });

    for (const malformed of [`v1=${v1}`, `t=soon,v1=${v1}`, `t=${now}`]) {
      await expectUploadError(
        verifyWebhook(rawBody, withHeader(headers, "x-ik-signature", malformed), SECRET),
        "bad-request",
      );
    }
    await expectUploadError(
      verifyWebhook(rawBody, withHeader(headers, "x-ik-signature", `t=${now},v1=zz`), SECRET),
      "unauthorized",
    );
  });
});
