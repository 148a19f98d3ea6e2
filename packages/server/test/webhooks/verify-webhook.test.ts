import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { UploadError, type UploadResult } from "@upkit/core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { createImageKitClient } from "../../src/imagekit/create-imagekit-client";
import { verifyWebhook } from "../../src/webhooks/verify-webhook";
import {
  isKnownWebhookEvent,
  type KnownWebhookEvent,
  WEBHOOK_EVENT_TYPES,
  type WebhookEvent,
  type WebhookEventType,
} from "../../src/webhooks/webhook-event";
import { expectUploadError, mp4, png, startEmulator, type TestEmulator } from "../imagekit/support";

const SECRET = "whsec_upkit_test_secret";
/** A 5 s video, as the emulator reads it. */
const MP4 = mp4(5);

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
      expect(postEvent.data.url).toBe(
        `${emulator.urlEndpoint}/${postEvent.data.name}?tr=w-150,h-150`,
      );
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
        transformation: {
          type: "video-transformation",
          output: {
            url: "https://x/y.webm",
            video_metadata: { duration: 5, width: 640, height: 360, bitrate: 800000 },
          },
        },
      },
      // Beside `data`, as the SDK's `VideoTransformationReadyEvent` has it.
      timings: { download_duration: 1, encoding_duration: 2 },
    });
    const event = await verifyWebhook(video.rawBody, video.headers, SECRET);
    if (isKnownWebhookEvent(event) && event.type === "video.transformation.ready") {
      expect(event.data.transformation.output?.url).toBe("https://x/y.webm");
      expect(event.data.transformation.output?.video_metadata?.width).toBe(640);
      expect(event.timings?.encoding_duration).toBe(2);
      expect(event.request).toMatchObject({ extra: 1 });
    } else throw new Error("not typed as video.transformation.ready");

    const failed = signed({
      ...envelope,
      type: "video.transformation.error",
      request: { x_request_id: "r2", url: "https://ik.imagekit.io/demo/v.mp4?tr=f-webm" },
      data: {
        asset: { url: "https://ik.imagekit.io/demo/v.mp4" },
        transformation: { type: "video-transformation", error: { reason: "download_failed" } },
      },
    });
    const error = await verifyWebhook(failed.rawBody, failed.headers, SECRET);
    if (isKnownWebhookEvent(error) && error.type === "video.transformation.error")
      expect(error.data.transformation.error?.reason).toBe("download_failed");
    else throw new Error("not typed as video.transformation.error");

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

describe("pre- and post-transformation webhooks, as the emulator sends them", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let emulator: TestEmulator;
  /** The verified events, in the order they arrived. */
  let events: WebhookEvent[];
  let image: UploadResult;
  let videoRequestIds: { ok: string; failed: string };

  /** A raw upload, to read the request id and to see a 202. */
  async function rawUpload(
    fields: Record<string, string>,
    bytes: Uint8Array<ArrayBuffer>,
    name: string,
  ) {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append("file", new Blob([bytes]), name);
    const response = await fetch(`${emulator.url}/api/v1/files/upload`, {
      method: "POST",
      body: form,
      headers: { authorization: `Basic ${btoa(`${emulator.privateKey}:`)}` },
    });
    return { status: response.status, requestId: response.headers.get("x-request-id") ?? "" };
  }

  beforeAll(async () => {
    receiver = await startReceiver();
    emulator = await startEmulator({ webhookUrl: receiver.url, webhookSecret: SECRET });
    const client = createImageKitClient(emulator.config);
    image = await client.upload(
      {
        fileName: "turned.png",
        transformation: JSON.stringify({
          pre: "rt-90",
          // Parses, but asks for a 20000 px wide image: its post-transformation fails.
          post: [
            { type: "transformation", value: "w-10" },
            { type: "transformation", value: "w-10000,dpr-2" },
          ],
        }),
      },
      { body: new Blob([png(32, 24)]), fileName: "turned.png", contentType: "image/png" },
    );
    const ok = await rawUpload(
      { fileName: "ok.mp4", transformation: '{"pre":"so-2"}' },
      MP4,
      "ok.mp4",
    );
    const late = await rawUpload(
      { fileName: "late.mp4", transformation: '{"pre":"so-70"}' },
      MP4,
      "late.mp4",
    );
    expect([ok.status, late.status]).toEqual([202, 202]);
    videoRequestIds = { ok: ok.requestId, failed: late.requestId };
    await emulator.idle();
    events = await Promise.all(
      receiver.deliveries.map((d) => verifyWebhook(d.rawBody, d.headers, SECRET)),
    );
  });
  afterAll(async () => {
    await emulator.dispose();
    await receiver.close();
  });

  const ofType = <T extends WebhookEventType>(type: T) =>
    events.filter(
      (event): event is Extract<KnownWebhookEvent, { type: T }> =>
        isKnownWebhookEvent(event) && event.type === type,
    );

  it("upload.pre-transform.success: the upload response, for the image and for the video", () => {
    const [forImage, forVideo, ...more] = ofType("upload.pre-transform.success");
    expect(more).toEqual([]);
    expect(forImage?.request?.transformation).toBe("rt-90");
    expect(forImage?.data).toEqual(image);
    expect(forImage?.data.width).toBe(24);
    expect(forVideo?.request).toEqual({ x_request_id: videoRequestIds.ok, transformation: "so-2" });
    expect(forVideo?.data).toMatchObject({ fileType: "non-image", duration: 5 });
    expect(forVideo?.data.fileId).toMatch(/^[0-9a-f]{24}$/);
  });

  it("upload.pre-transform.error: name, path and the reason, for the video that could not be encoded", () => {
    const [error, ...more] = ofType("upload.pre-transform.error");
    expect(more).toEqual([]);
    expect(error?.request).toEqual({
      x_request_id: videoRequestIds.failed,
      transformation: "so-70",
    });
    expect(error?.data.transformation.error.reason).toBe("encoding_failed");
    expect(error?.data.name).toMatch(/^late_[\w-]{9}\.mp4$/);
    expect(error?.data.path).toBe(`/${error?.data.name}`);
  });

  it("upload.post-transform.success and .error: one per post-transformation", () => {
    const [done] = ofType("upload.post-transform.success");
    expect(done?.data).toEqual({
      fileId: image.fileId,
      name: image.name,
      url: `${image.url}?tr=w-10`,
    });
    expect(done?.request?.transformation).toEqual({ type: "transformation", value: "w-10" });
    const [failed] = ofType("upload.post-transform.error");
    expect(failed?.data).toEqual({
      fileId: image.fileId,
      name: image.name,
      path: image.filePath,
      url: `${image.url}?tr=w-10000,dpr-2`,
      transformation: { error: { reason: "encoding_failed" } },
    });
    expect(failed?.request?.x_request_id).toBe(done?.request?.x_request_id);
  });

  it("the event types are the twelve of ImageKit's SDK", () => {
    expect([...WEBHOOK_EVENT_TYPES].sort()).toEqual(
      [
        "file.created",
        "file.updated",
        "file.deleted",
        "file-version.created",
        "file-version.deleted",
        "upload.pre-transform.success",
        "upload.pre-transform.error",
        "upload.post-transform.success",
        "upload.post-transform.error",
        "video.transformation.accepted",
        "video.transformation.ready",
        "video.transformation.error",
      ].sort(),
    );
    expectTypeOf<"upload.pre-transform.error">().toExtend<WebhookEventType>();
    expectTypeOf<
      Extract<KnownWebhookEvent, { type: "upload.pre-transform.error" }>["data"]["path"]
    >().toEqualTypeOf<string>();
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
