/**
 * The pre- and post-transformation webhooks, over HTTP: what the emulator uploads, then what its
 * account webhook endpoint receives (verified as ImageKit's SDK verifies). Shapes: ImageKit's
 * "Pre and Post Transformation webhook events" page and `@imagekit/nodejs` 7.11 `webhooks.ts`.
 */
import sharp from "sharp";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildMp4 } from "../media/fixtures";
import { blob, jpeg, png } from "../support/images";
import { api, startEmulator, type TestEmulator, upload } from "../support/start-emulator";
import { startWebhookReceiver } from "../support/webhook-receiver";

const SECRET = "whsec_transformation_webhooks";
const HELP = "For support kindly contact us at support@imagekit.io .";

let emulator: TestEmulator;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  receiver = await startWebhookReceiver(SECRET);
  emulator = await startEmulator({ webhookUrl: receiver.url, webhookSecret: SECRET });
});
afterAll(async () => {
  await emulator?.dispose();
  await receiver?.close();
});
beforeEach(() => {
  receiver.deliveries.length = 0;
});

const fileCount = async () => ((await api(emulator, "/v1/files")).body as unknown[]).length;

/** A file URL fetched through the emulator's own address (the endpoint says `localhost`). */
const get = (fileUrl: string) =>
  fetch(`${emulator.url}${fileUrl.slice(new URL(fileUrl).origin.length)}`);

describe("upload.pre-transform.*", () => {
  it("an image's pre-transformation (rt-90): the upload response, then the success webhook with it", async () => {
    const res = await upload(emulator, {
      file: blob(await jpeg(40, 20)),
      fileName: "turned.jpg",
      transformation: JSON.stringify({ pre: "rt-90" }),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ width: 20, height: 40 });
    await emulator.idle();
    const [event, ...more] = receiver.events("upload.pre-transform.success");
    expect(more).toEqual([]);
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: "upload.pre-transform.success",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      // "A unique request id to identify request": the upload's own.
      request: { x_request_id: res.headers.get("x-request-id"), transformation: "rt-90" },
      // "Same as the Upload API response."
      data: res.body,
    });
  });

  it("an image's pre-transformation that cannot be rendered: 400, the error webhook, nothing stored", async () => {
    const before = await fileCount();
    const res = await upload(emulator, {
      file: blob(await png(10, 10)),
      fileName: "huge.png",
      useUniqueFileName: "false",
      folder: "pre-error",
      // Parses, but asks for a 20000 px wide image (the emulator's renderer stops at 16384).
      transformation: JSON.stringify({ pre: "w-10000,dpr-2" }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: "The file could not be uploaded because the transformation field is invalid.",
      help: HELP,
    });
    expect(await fileCount()).toBe(before);
    await emulator.idle();
    expect(receiver.events("upload.pre-transform.error")).toEqual([
      {
        id: expect.any(String),
        type: "upload.pre-transform.error",
        created_at: expect.any(String),
        request: { x_request_id: res.headers.get("x-request-id"), transformation: "w-10000,dpr-2" },
        data: {
          name: "huge.png",
          path: "/pre-error/huge.png",
          transformation: { error: { reason: "encoding_failed" } },
        },
      },
    ]);
    expect(receiver.events("file.created")).toEqual([]);
  });

  it("a video's pre-transformation is queued (202), then its success webhook carries the upload response", async () => {
    const before = await fileCount();
    const res = await upload(emulator, {
      file: blob(buildMp4()),
      fileName: "clip.mp4",
      transformation: JSON.stringify({ pre: "so-2" }),
    });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ message: "The pre-transformation has been queued successfully." });
    // Stored once the transformation ran, as ImageKit does: not yet when the 202 is answered.
    expect(await fileCount()).toBe(before);
    expect(receiver.events("file.created")).toEqual([]);
    await emulator.idle();
    expect(await fileCount()).toBe(before + 1);
    const [event] = receiver.events("upload.pre-transform.success");
    expect(event).toMatchObject({
      request: { x_request_id: res.headers.get("x-request-id"), transformation: "so-2" },
      data: {
        fileId: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: expect.stringMatching(/^clip_[\w-]{9}\.mp4$/),
        fileType: "non-image",
        duration: 5,
        versionInfo: { name: "Version 1" },
      },
    });
    const details = await api(emulator, `/v1/files/${event.data.fileId}/details`);
    expect(details.status).toBe(200);
  });

  it("a video's pre-transformation that fails once queued (so-70 on a 5 s video, as in ImageKit's example): 202, the error webhook, nothing stored", async () => {
    const before = await fileCount();
    const res = await upload(emulator, {
      file: blob(buildMp4()),
      fileName: "vid.mp4",
      folder: "myfolder",
      transformation: JSON.stringify({ pre: "so-70" }),
    });
    expect(res.status).toBe(202);
    await emulator.idle();
    const [event, ...more] = receiver.events("upload.pre-transform.error");
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      request: { x_request_id: res.headers.get("x-request-id"), transformation: "so-70" },
      data: {
        name: expect.stringMatching(/^vid_[\w-]{9}\.mp4$/),
        path: expect.stringMatching(/^\/myfolder\/vid_[\w-]{9}\.mp4$/),
        transformation: { error: { reason: "encoding_failed" } },
      },
    });
    expect(event.data.path).toBe(`/myfolder/${event.data.name}`);
    expect(Object.keys(event.data).sort()).toEqual(["name", "path", "transformation"]);
    expect(receiver.events("upload.pre-transform.success")).toEqual([]);
    expect(receiver.events("file.created")).toEqual([]);
    expect(await fileCount()).toBe(before);
  });
});

describe("upload.post-transform.*", () => {
  it("one success webhook per post-transformation, each naming its output URL, which is served", async () => {
    const res = await upload(emulator, {
      file: blob(await png(64, 48)),
      fileName: "posted.png",
      transformation: JSON.stringify({
        post: [{ type: "transformation", value: "w-10" }, { type: "thumbnail" }],
      }),
    });
    expect(res.status).toBe(200);
    await emulator.idle();
    const events = receiver.events("upload.post-transform.success");
    expect(events).toHaveLength(2);
    const requestId = res.headers.get("x-request-id");
    const byType = (type: string) => events.find((e) => e.request.transformation.type === type);
    expect(byType("transformation")).toEqual({
      id: expect.any(String),
      type: "upload.post-transform.success",
      created_at: expect.any(String),
      request: {
        x_request_id: requestId,
        transformation: { type: "transformation", value: "w-10" },
      },
      data: { fileId: res.body.fileId, name: res.body.name, url: `${res.body.url}?tr=w-10` },
    });
    expect(byType("thumbnail")).toMatchObject({
      request: { x_request_id: requestId, transformation: { type: "thumbnail" } },
      data: { fileId: res.body.fileId, url: `${res.body.url}?tr=w-150,h-150` },
    });
    const served = await get(byType("transformation").data.url);
    expect(served.status).toBe(200);
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(10);
  });

  it("a post-transformation that cannot be rendered: the upload succeeds, then the error webhook", async () => {
    const res = await upload(emulator, {
      file: blob(await png(10, 10)),
      fileName: "post-error.png",
      transformation: JSON.stringify({
        post: [{ type: "transformation", value: "w-10000,dpr-2" }],
      }),
    });
    expect(res.status).toBe(200);
    await emulator.idle();
    expect(receiver.events("upload.post-transform.success")).toEqual([]);
    expect(receiver.events("upload.post-transform.error")).toEqual([
      {
        id: expect.any(String),
        type: "upload.post-transform.error",
        created_at: expect.any(String),
        request: {
          x_request_id: res.headers.get("x-request-id"),
          transformation: { type: "transformation", value: "w-10000,dpr-2" },
        },
        data: {
          fileId: res.body.fileId,
          name: res.body.name,
          path: res.body.filePath,
          url: `${res.body.url}?tr=w-10000,dpr-2`,
          transformation: { error: { reason: "encoding_failed" } },
        },
      },
    ]);
    // "The original file remains available."
    expect((await get(res.body.url)).status).toBe(200);
  });

  it("video outputs are named by ImageKit's URLs: ik-master.m3u8 / .mpd (abs), ik-thumbnail.jpg", async () => {
    const res = await upload(emulator, {
      file: blob(buildMp4()),
      fileName: "stream.mp4",
      transformation: JSON.stringify({
        post: [
          { type: "abs", value: "sr-240_360", protocol: "hls" },
          { type: "abs", value: "sr-480", protocol: "dash" },
          { type: "thumbnail" },
          { type: "transformation", value: "w-100" },
        ],
      }),
    });
    expect(res.status).toBe(200);
    await emulator.idle();
    const urls = receiver.events("upload.post-transform.success").map((event) => event.data.url);
    expect(urls.sort()).toEqual(
      [
        `${res.body.url}/ik-master.m3u8?tr=sr-240_360`,
        `${res.body.url}/ik-master.mpd?tr=sr-480`,
        `${res.body.url}/ik-thumbnail.jpg`,
        `${res.body.url}?tr=w-100`,
      ].sort(),
    );
    const abs = receiver
      .events("upload.post-transform.success")
      .find((event) => event.request.transformation.protocol === "hls");
    expect(abs.request.transformation).toEqual({
      type: "abs",
      value: "sr-240_360",
      protocol: "hls",
    });
  });

  it("gif-to-video names ik-gif-video.mp4", async () => {
    const gif = await sharp({
      create: { width: 8, height: 8, channels: 3, background: { r: 0, g: 128, b: 0 } },
    })
      .gif()
      .toBuffer();
    const res = await upload(emulator, {
      file: blob(gif),
      fileName: "anim.gif",
      transformation: JSON.stringify({ post: [{ type: "gif-to-video", value: "q-80" }] }),
    });
    expect(res.status).toBe(200);
    await emulator.idle();
    expect(receiver.events("upload.post-transform.success")).toEqual([
      expect.objectContaining({
        data: {
          fileId: res.body.fileId,
          name: res.body.name,
          url: `${res.body.url}/ik-gif-video.mp4?tr=q-80`,
        },
        request: {
          x_request_id: res.headers.get("x-request-id"),
          transformation: { type: "gif-to-video", value: "q-80" },
        },
      }),
    ]);
  });
});
