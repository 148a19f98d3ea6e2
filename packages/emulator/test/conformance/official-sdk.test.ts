/**
 * ImageKit's own SDKs, unchanged, pointed at the emulator.
 *
 * - `@imagekit/nodejs` 7.x: `baseURL` set to the emulator sends every API there, uploads included
 *   (its `defaultBaseURL` of https://upload.imagekit.io only applies while `baseURL` is the
 *   default, see `client.ts` `buildURL`).
 * - `imagekit` 6.x (legacy): only the upload endpoint can be pointed (`uploadEndpoint`); its
 *   management calls (`listFiles`, `getFileDetails`, `deleteFile`, ...) hard-code
 *   https://api.imagekit.io, so they cannot reach an emulator. Tested here: upload, the
 *   authentication parameters, signed `url()`s and `verifyWebhookEvent`.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import ImageKit, { toFile } from "@imagekit/nodejs";
import LegacyImageKit from "imagekit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMp4 } from "../media/fixtures";
import { blob, jpeg, png } from "../support/images";
import { startEmulator, type TestEmulator } from "../support/start-emulator";

const HELP = "For support kindly contact us at support@imagekit.io .";
const WEBHOOK_SECRET = "whsec_sdk_conformance";

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

let emulator: TestEmulator;
let legacyEmulator: TestEmulator;
let local: Server;
let localUrl: string;
const received: Received[] = [];
let servedJpeg: Buffer;

/** Webhook receiver (`POST /hook...`) and a picture for URL uploads (`GET /photo.jpg`). */
function onRequest(req: IncomingMessage, res: import("node:http").ServerResponse): void {
  const path = req.url ?? "/";
  if (req.method === "POST" && path.startsWith("/hook")) {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        path,
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(200).end();
    });
    return;
  }
  if (path === "/photo.jpg") res.writeHead(200, { "content-type": "image/jpeg" }).end(servedJpeg);
  else res.writeHead(404).end();
}

beforeAll(async () => {
  servedJpeg = await jpeg(90, 45);
  local = createServer(onRequest);
  await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
  localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
  emulator = await startEmulator({
    webhookUrl: `${localUrl}/hook/account`,
    webhookSecret: WEBHOOK_SECRET,
  });
  legacyEmulator = await startEmulator({
    webhookUrl: `${localUrl}/hook/legacy`,
    webhookSecret: WEBHOOK_SECRET,
    legacyWebhookSignature: true,
  });
});

afterAll(async () => {
  await emulator?.dispose();
  await legacyEmulator?.dispose();
  local?.closeAllConnections();
  await new Promise<void>((resolve) => (local ? local.close(() => resolve()) : resolve()));
});

const client = (options: Partial<ConstructorParameters<typeof ImageKit>[0]> = {}) =>
  new ImageKit({
    privateKey: emulator.privateKey,
    baseURL: emulator.url,
    webhookSecret: WEBHOOK_SECRET,
    maxRetries: 0,
    ...options,
  });

/** A file URL fetched through the emulator's own address (the endpoint says `localhost`). */
function get(fileUrl: string, target: TestEmulator = emulator): Promise<Response> {
  expect(fileUrl.startsWith(target.urlEndpoint)).toBe(true);
  return fetch(`${target.url}${fileUrl.slice(new URL(fileUrl).origin.length)}`);
}

async function imageSize(response: Response) {
  expect(response.status).toBe(200);
  const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
  return { width: meta.width, height: meta.height };
}

async function errorOf(promise: Promise<unknown>): Promise<InstanceType<typeof ImageKit.APIError>> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageKit.APIError);
  return error as InstanceType<typeof ImageKit.APIError>;
}

describe("@imagekit/nodejs: client.files.upload", () => {
  it("uploads a Buffer (through toFile) to <baseURL>/api/v1/files/upload", async () => {
    const bytes = await png(64, 48);
    const { data, response } = await client()
      .files.upload({ file: await toFile(bytes, "sdk.png"), fileName: "sdk.png" })
      .withResponse();
    expect(response.url).toBe(`${emulator.url}/api/v1/files/upload`);
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(data).toMatchObject({
      fileId: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: expect.stringMatching(/^sdk_[A-Za-z0-9_-]{9}\.png$/),
      fileType: "image",
      width: 64,
      height: 48,
      size: bytes.length,
      AITags: null,
    });
    expect(data.versionInfo).toEqual({ id: data.fileId, name: "Version 1" });
    expect(data.url).toBe(`${emulator.urlEndpoint}${data.filePath}`);
    const stored = await get(data.url as string);
    expect(Buffer.from(await stored.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("uploads a base64 string and a URL string", async () => {
    const bytes = await png(20, 10);
    const fromBase64 = await client().files.upload({
      file: bytes.toString("base64") as unknown as File,
      fileName: "b64.png",
    });
    expect(fromBase64).toMatchObject({ width: 20, height: 10, size: bytes.length });

    const fromUrl = await client().files.upload({
      file: `${localUrl}/photo.jpg` as unknown as File,
      fileName: "from-url.jpg",
    });
    expect(fromUrl).toMatchObject({ width: 90, height: 45, size: servedJpeg.length });
    const stored = await get(fromUrl.url as string);
    expect(Buffer.from(await stored.arrayBuffer()).equals(servedJpeg)).toBe(true);
  });

  it("sends tags, folder, customMetadata, transformation, extensions and responseFields as ImageKit reads them", async () => {
    const sdk = client();
    await sdk.customMetadataFields.create({
      name: "sdkBrand",
      label: "SDK brand",
      schema: { type: "Text" },
    });
    const res = await sdk.files.upload({
      file: await toFile(await jpeg(64, 48), "full.jpg"),
      fileName: "full.jpg",
      useUniqueFileName: false,
      folder: "sdk/uploads",
      tags: ["summer", "sdk"],
      isPrivateFile: false,
      customCoordinates: "1,2,3,4",
      customMetadata: { sdkBrand: "Acme" },
      transformation: { pre: "w-32", post: [{ type: "transformation", value: "w-10" }] },
      extensions: [{ name: "google-auto-tagging", maxTags: 2, minConfidence: 50 }],
      responseFields: ["tags", "customCoordinates", "isPrivateFile", "customMetadata"],
    });
    expect(res).toMatchObject({
      name: "full.jpg",
      filePath: "/sdk/uploads/full.jpg",
      tags: ["summer", "sdk"],
      customCoordinates: "1,2,3,4",
      isPrivateFile: false,
      customMetadata: { sdkBrand: "Acme" },
      // The pre-transformation w-32 ran before storing: 64x48 became 32x24.
      width: 32,
      height: 24,
      extensionStatus: { "google-auto-tagging": "success" },
    });
    expect(res.AITags).toHaveLength(2);
    expect(res.AITags?.every((tag) => tag.source === "google-auto-tagging")).toBe(true);
    await emulator.idle();
    const post = await get(`${emulator.urlEndpoint}/tr:w-10${res.filePath}`);
    expect(await imageSize(post)).toMatchObject({ width: 10 });
  });

  it("client.beta.v2.files.upload works with Basic auth", async () => {
    const bytes = await png(12, 12);
    const { data, response } = await client()
      .beta.v2.files.upload({
        file: await toFile(bytes, "v2.png"),
        fileName: "v2.png",
        tags: ["v2"],
        responseFields: ["tags"],
      })
      .withResponse();
    expect(response.url).toBe(`${emulator.url}/api/v2/files/upload`);
    expect(data).toMatchObject({ width: 12, height: 12, size: bytes.length, tags: ["v2"] });
  });
});

describe("@imagekit/nodejs: client.helper.getAuthenticationParameters and a client-side upload", () => {
  it("the parameters are accepted once by the v1 upload API (fetch + FormData, no private key)", async () => {
    const { token, expire, signature } = client().helper.getAuthenticationParameters();
    expect(expire).toBeGreaterThan(Date.now() / 1000);
    const send = () => {
      const form = new FormData();
      form.append("file", blob(Buffer.from("hello from the browser")), "hello.txt");
      form.append("fileName", "hello.txt");
      form.append("publicKey", emulator.publicKey);
      form.append("token", token);
      form.append("expire", String(expire));
      form.append("signature", signature);
      return fetch(`${emulator.url}/api/v1/files/upload`, { method: "POST", body: form });
    };
    const first = await send();
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      name: expect.stringMatching(/^hello_[A-Za-z0-9_-]{9}\.txt$/),
      fileType: "non-image",
      size: 22,
    });
    const replay = await send();
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({
      message: `The token with value '${token}' has been used before. We suggest using V4 UUIDs, or another random string with enough entropy to avoid collisions.`,
      help: HELP,
    });
  });
});

describe("@imagekit/nodejs: files and assets", () => {
  let inFolder: string[];

  beforeAll(async () => {
    const sdk = client();
    inFolder = [];
    for (const [name, tags] of [
      ["a.png", ["sdk-list", "red"]],
      ["b.png", ["sdk-list"]],
    ] as const) {
      const res = await sdk.files.upload({
        file: await toFile(await png(8, 8), name),
        fileName: name,
        folder: "/sdk-list/",
        tags: [...tags],
      });
      inFolder.push(res.fileId as string);
    }
    await sdk.files.upload({
      file: await toFile(await png(8, 8), "c.png"),
      fileName: "c.png",
      folder: "/sdk-list/nested/",
      tags: ["red"],
    });
  });

  it("client.files.get answers the File object", async () => {
    const file = await client().files.get(inFolder[0] as string);
    expect(file).toMatchObject({
      type: "file",
      fileId: inFolder[0],
      filePath: expect.stringMatching(/^\/sdk-list\/a_[A-Za-z0-9_-]{9}\.png$/),
      fileType: "image",
      mime: "image/png",
      width: 8,
      height: 8,
      tags: ["sdk-list", "red"],
      isPrivateFile: false,
      hasAlpha: true,
    });
    expect(file.url).toMatch(/\?updatedAt=\d+$/);
    expect(file.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("client.assets.list({ path }) lists the files of that folder only", async () => {
    const list = await client().assets.list({ path: "/sdk-list/" });
    expect(list.map((asset) => (asset as { fileId: string }).fileId).sort()).toEqual(
      [...inFolder].sort(),
    );
    expect(await client().assets.list({ path: "/sdk-list/", limit: 1 })).toHaveLength(1);
    // The old API's `tags` filter, which this SDK has no parameter for, is sent as a raw query.
    const tagged = await client().get<{ fileId: string; tags: string[] }[]>("/v1/files", {
      query: { tags: "red", path: "/sdk-list/" },
    });
    expect(tagged.map((file) => file.fileId)).toEqual([inFolder[0]]);
    const anyFolder = await client().get<{ tags: string[] }[]>("/v1/files", {
      query: { tags: "red" },
    });
    expect(anyFolder.length).toBeGreaterThanOrEqual(2);
    expect(anyFolder.every((file) => file.tags.includes("red"))).toBe(true);
  });

  it("client.assets.list({ searchQuery }) filters with ImageKit's search language", async () => {
    const sdk = client();
    const byName = await sdk.assets.list({ searchQuery: 'tags IN ["sdk-list"] AND name : "a_"' });
    expect(byName.map((asset) => (asset as { fileId: string }).fileId)).toEqual([inFolder[0]]);
    const red = await sdk.assets.list({
      searchQuery: 'tags IN ["red"] AND path : "/sdk-list/"',
      sort: "ASC_NAME",
    });
    expect(red.map((asset) => (asset as { filePath: string }).filePath)).toEqual([
      expect.stringMatching(/^\/sdk-list\/a_/),
      expect.stringMatching(/^\/sdk-list\/nested\/c_/),
    ]);
    const folders = await sdk.assets.list({ searchQuery: 'type = "folder" AND name = "nested"' });
    expect(folders).toEqual([
      expect.objectContaining({ type: "folder", folderPath: "/sdk-list/nested" }),
    ]);
  });

  it("client.assets.list({ type }) lists Folder objects, or files and folders together", async () => {
    const folders = await client().assets.list({ type: "folder", path: "/sdk-list/" });
    expect(folders).toEqual([
      {
        type: "folder",
        folderId: expect.stringMatching(/^[0-9a-f]{24}$/),
        name: "nested",
        folderPath: "/sdk-list/nested",
        customMetadata: {},
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    const all = await client().assets.list({ type: "all", path: "/sdk-list/", sort: "ASC_NAME" });
    expect(all.map((asset) => [asset.type, asset.name])).toEqual([
      ["file", expect.stringMatching(/^a_/)],
      ["file", expect.stringMatching(/^b_/)],
      ["folder", "nested"],
    ]);
  });

  it("a malformed searchQuery is a BadRequestError with the position", async () => {
    const error = await errorOf(client().assets.list({ searchQuery: 'name ~ "a"' }));
    expect(error).toBeInstanceOf(ImageKit.BadRequestError);
    expect(error.error).toEqual({
      message:
        'Your request contains invalid syntax for the searchQuery parameter. Unexpected character "~" at position 5.',
      help: HELP,
    });
  });

  it("client.files.delete removes the file and its URL", async () => {
    const sdk = client();
    const res = await sdk.files.upload({
      file: await toFile(await png(8, 8), "gone.png"),
      fileName: "gone.png",
    });
    expect((await get(res.url as string)).status).toBe(200);
    const deleted = await sdk.files.delete(res.fileId as string).withResponse();
    expect(deleted.response.status).toBe(204);
    expect(deleted.data).toBeNull();
    const missing = await errorOf(sdk.files.get(res.fileId as string));
    expect(missing).toBeInstanceOf(ImageKit.NotFoundError);
    expect((await get(res.url as string)).status).toBe(404);
  });
});

describe("@imagekit/nodejs: client.helper.buildSrc signed URLs on a private file", () => {
  it("the signed URL with transformation [{ width: 50 }] is served (200, 50 px wide); unsigned is 401", async () => {
    const sdk = client();
    const res = await sdk.files.upload({
      file: await toFile(await png(200, 100), "private.png"),
      fileName: "private.png",
      isPrivateFile: true,
    });
    const signed = sdk.helper.buildSrc({
      src: res.filePath as string,
      urlEndpoint: emulator.urlEndpoint,
      transformation: [{ width: 50 }],
      signed: true,
      expiresIn: 60,
    });
    expect(signed).toMatch(/[?&]ik-t=\d+&ik-s=[0-9a-f]{40}$/);
    expect(await imageSize(await get(signed))).toEqual({ width: 50, height: 25 });

    const unsigned = sdk.helper.buildSrc({
      src: res.filePath as string,
      urlEndpoint: emulator.urlEndpoint,
      transformation: [{ width: 50 }],
    });
    expect((await get(unsigned)).status).toBe(401);
    expect((await get(res.url as string)).status).toBe(401);
  });
});

describe("@imagekit/nodejs: client.webhooks.unwrap on webhooks the emulator sent", () => {
  it("verifies upload.post-transform.success of a thumbnail post-transformation", async () => {
    const res = await client().files.upload({
      file: await toFile(await png(64, 48), "thumbed.png"),
      fileName: "thumbed.png",
      transformation: { post: [{ type: "thumbnail" }] },
    });
    await emulator.idle();
    const deliveries = received.filter((r) => r.path === "/hook/account");
    const events = deliveries.map((delivery) =>
      client().webhooks.unwrap(delivery.body, { headers: delivery.headers }),
    );
    const created = events.find(
      (event) => event.type === "file.created" && event.data.fileId === res.fileId,
    );
    expect(created).toMatchObject({
      id: expect.any(String),
      created_at: expect.any(String),
      data: { fileId: res.fileId, filePath: res.filePath, type: "file" },
    });
    const post = events.find(
      (event) =>
        event.type === "upload.post-transform.success" &&
        (event.data as { fileId?: string }).fileId === res.fileId,
    );
    expect(post).toMatchObject({
      type: "upload.post-transform.success",
      data: {
        fileId: res.fileId,
        name: res.name,
        // The query form of ImageKit's documented example (`...mp4?tr=rt-90`).
        url: `${emulator.urlEndpoint}${res.filePath}?tr=w-150,h-150`,
      },
      request: { x_request_id: expect.any(String), transformation: { type: "thumbnail" } },
    });
    // The thumbnail it announces is really there.
    const thumbnail = await get((post as { data: { url: string } }).data.url);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get("content-type")).toMatch(/^image\//);

    const delivery = deliveries[0] as Received;
    expect(() =>
      client().webhooks.unwrap(`${delivery.body} `, { headers: delivery.headers }),
    ).toThrow();
    expect(() =>
      client().webhooks.unwrap(delivery.body, { headers: delivery.headers, key: "whsec_other" }),
    ).toThrow();
  });
});

describe("@imagekit/nodejs: what ImageKit added (ai-tasks, saved extensions, selectedFieldsSchema)", () => {
  it("client.savedExtensions: create, get, list, update, delete", async () => {
    const sdk = client();
    const created = await sdk.savedExtensions.create({
      name: "Fashion Item Categorization",
      description: "Automatically categorizes clothing items in fashion images",
      config: {
        name: "ai-tasks",
        tasks: [
          {
            instruction: "What types of clothing items are visible in this image?",
            type: "select_tags",
            vocabulary: ["shirt", "dress", "pants", "jacket", "shoes"],
            max_selections: 3,
          },
        ],
      },
    });
    expect(created).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: "Fashion Item Categorization",
      config: { name: "ai-tasks" },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = created.id as string;
    expect(await sdk.savedExtensions.get(id)).toEqual(created);
    expect(await sdk.savedExtensions.list()).toContainEqual(created);
    const updated = await sdk.savedExtensions.update(id, { description: "Clothing" });
    expect(updated).toMatchObject({ id, description: "Clothing", config: created.config });
    await sdk.savedExtensions.delete(id);
    expect(await errorOf(sdk.savedExtensions.get(id))).toBeInstanceOf(ImageKit.NotFoundError);
  });

  it("client.files.upload with ai-tasks, a saved-extension and responseFields selectedFieldsSchema", async () => {
    const sdk = client();
    await sdk.customMetadataFields.create({
      name: "sdkColour",
      label: "SDK colour",
      schema: { type: "SingleSelect", selectOptions: ["red", "green", "blue"] },
    });
    const saved = await sdk.savedExtensions.create({
      name: "QC",
      description: "Flags blue images",
      config: {
        name: "ai-tasks",
        tasks: [
          {
            type: "yes_no",
            instruction: "Is the product blue?",
            on_yes: { add_tags: ["blue-ok"] },
            on_no: { add_tags: ["needs-review"] },
          },
        ],
      },
    });
    const res = await sdk.files.upload({
      file: await toFile(await jpeg(64, 48), "ai.jpg"),
      fileName: "ai.jpg",
      tags: ["sdk"],
      extensions: [
        {
          name: "ai-tasks",
          tasks: [
            { type: "select_metadata", instruction: "Main colour?", field: "sdkColour" },
            { type: "select_tags", instruction: "Format?", vocabulary: ["jpg", "png"] },
          ],
        },
        { name: "saved-extension", id: saved.id as string },
      ],
      responseFields: ["tags", "customMetadata", "selectedFieldsSchema"],
    });
    expect(res.extensionStatus).toEqual({ "ai-tasks": "success" });
    expect(res.tags).toEqual(["sdk", "jpg", "blue-ok"]);
    expect(res.customMetadata).toMatchObject({ sdkColour: "blue" });
    expect(res.selectedFieldsSchema?.sdkColour).toEqual({
      type: "SingleSelect",
      selectOptions: ["red", "green", "blue"],
      selectOptionsTruncated: false,
    });
    // The type as the SDK declares it.
    const colour:
      | "Text"
      | "Textarea"
      | "Number"
      | "Date"
      | "Boolean"
      | "SingleSelect"
      | "MultiSelect"
      | undefined = res.selectedFieldsSchema?.sdkColour?.type;
    expect(colour).toBe("SingleSelect");

    const unknown = await errorOf(
      sdk.files.upload({
        file: await toFile(await jpeg(8, 8), "x.jpg"),
        fileName: "x.jpg",
        extensions: [{ name: "saved-extension", id: "ffffffffffffffffffffffff" }],
      }),
    );
    expect(unknown).toBeInstanceOf(ImageKit.BadRequestError);
  });
});

describe("@imagekit/nodejs: client.webhooks.unwrap on the pre- and post-transformation webhooks", () => {
  it("upload.pre-transform.success / .error and upload.post-transform.error, typed by their type", async () => {
    const sdk = client();
    const before = received.length;
    const turned = await sdk.files.upload({
      file: await toFile(await jpeg(40, 20), "turned.jpg"),
      fileName: "turned.jpg",
      transformation: { pre: "rt-90", post: [{ type: "transformation", value: "w-10000,dpr-2" }] },
    });
    expect(turned).toMatchObject({ width: 20, height: 40 });
    const { response } = await sdk.files
      .upload({
        file: await toFile(buildMp4(), "late.mp4"),
        fileName: "late.mp4",
        transformation: { pre: "so-70" },
      })
      .withResponse();
    expect(response.status).toBe(202);
    await emulator.idle();
    const events = received
      .slice(before)
      .filter((r) => r.path === "/hook/account")
      .map((r) => sdk.webhooks.unwrap(r.body, { headers: r.headers }));

    const pre = events.find((event) => event.type === "upload.pre-transform.success");
    if (pre?.type !== "upload.pre-transform.success") throw new Error("no pre-transform.success");
    expect(pre.request).toEqual({ x_request_id: expect.any(String), transformation: "rt-90" });
    expect(pre.data).toEqual(turned);

    const post = events.find((event) => event.type === "upload.post-transform.error");
    if (post?.type !== "upload.post-transform.error") throw new Error("no post-transform.error");
    expect(post.data).toEqual({
      fileId: turned.fileId,
      name: turned.name,
      path: turned.filePath,
      url: `${turned.url}?tr=w-10000,dpr-2`,
      transformation: { error: { reason: "encoding_failed" } },
    });
    expect(post.request.transformation).toEqual({ type: "transformation", value: "w-10000,dpr-2" });

    const failed = events.find((event) => event.type === "upload.pre-transform.error");
    if (failed?.type !== "upload.pre-transform.error") throw new Error("no pre-transform.error");
    expect(failed.request.transformation).toBe("so-70");
    expect(failed.data.transformation.error.reason).toBe("encoding_failed");
    expect(failed.data.path).toBe(`/${failed.data.name}`);
    expect(failed.request.x_request_id).toBe(response.headers.get("x-request-id"));
  });
});

describe("@imagekit/nodejs: errors as the SDK's typed errors", () => {
  it("400 is a BadRequestError carrying the emulator's message", async () => {
    const error = await errorOf(
      client().files.upload({
        file: await toFile(await png(8, 8), "bad.png"),
        fileName: "bad.png",
        tags: ["50%"],
      }),
    );
    expect(error).toBeInstanceOf(ImageKit.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      message: "Your request contains invalid tags parameter.",
      help: HELP,
    });
    expect(error.message).toBe("400 Your request contains invalid tags parameter.");
    expect(error.headers?.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("401 without a key is an AuthenticationError, 403 with a wrong key a PermissionDeniedError", async () => {
    const missing = await errorOf(client().assets.list({}, { headers: { Authorization: null } }));
    expect(missing).toBeInstanceOf(ImageKit.AuthenticationError);
    expect(missing.error).toEqual({
      message: "Your request does not contain private API key.",
      help: HELP,
    });

    const wrong = await errorOf(client({ privateKey: "private_not_this_one" }).assets.list());
    expect(wrong).toBeInstanceOf(ImageKit.PermissionDeniedError);
    expect(wrong.error).toEqual({ message: "Your account cannot be authenticated.", help: HELP });

    const upload = await errorOf(
      client({ privateKey: "private_not_this_one" }).files.upload({
        file: await toFile(await png(8, 8), "x.png"),
        fileName: "x.png",
      }),
    );
    expect(upload).toBeInstanceOf(ImageKit.PermissionDeniedError);
  });

  it("404 is a NotFoundError", async () => {
    const error = await errorOf(client().files.get("ffffffffffffffffffffffff"));
    expect(error).toBeInstanceOf(ImageKit.NotFoundError);
    expect(error.error).toEqual({ message: "The requested file does not exist.", help: HELP });
  });

  it("an injected 429 is a RateLimitError, a 503 an InternalServerError (no retries left)", async () => {
    const limited = await errorOf(
      client().assets.list({}, { headers: { "x-emulator-fault": "status=429" } }),
    );
    expect(limited).toBeInstanceOf(ImageKit.RateLimitError);
    expect(limited.headers?.get("x-ratelimit-limit")).toMatch(/^\d+$/);
    const down = await errorOf(
      client().assets.list({}, { headers: { "x-emulator-fault": "status=503" } }),
    );
    expect(down).toBeInstanceOf(ImageKit.InternalServerError);
    expect(down.status).toBe(503);
  });
});

describe("@imagekit/nodejs: retries on 5xx and 429", () => {
  /** The SDK's own fetch, counted: every attempt it makes. */
  function countingClient() {
    const statuses: number[] = [];
    const sdk = client({
      maxRetries: 2,
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        statuses.push(response.status);
        return response;
      },
    });
    return { sdk, statuses };
  }

  async function addFault(rule: unknown) {
    const res = await fetch(`${emulator.url}/_emulator/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(rule),
    });
    expect(res.status).toBe(201);
  }

  it("a one-time 503 on /v1/files: client.assets.list() succeeds on the retry", async () => {
    await addFault({ path: "/v1/files", times: 1, fault: { status: 503 } });
    const { sdk, statuses } = countingClient();
    const list = await sdk.assets.list();
    expect(Array.isArray(list)).toBe(true);
    expect(list.length).toBeGreaterThan(0);
    expect(statuses).toEqual([503, 200]);
    const rules = await (await fetch(`${emulator.url}/_emulator/faults`)).json();
    expect(rules).toEqual([]);
  });

  it("a one-time 429 is retried after its Retry-After", async () => {
    await addFault({ path: "/v1/files", times: 1, fault: { status: 429 } });
    const { sdk, statuses } = countingClient();
    const started = Date.now();
    await sdk.assets.list({ limit: 1 });
    expect(statuses).toEqual([429, 200]);
    // The injected 429 says Retry-After: 1 (its X-RateLimit-Reset is 1000 ms).
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});

describe("imagekit 6.x (legacy SDK), upload endpoint pointed at the emulator", () => {
  const legacy = () =>
    new LegacyImageKit({
      publicKey: legacyEmulator.publicKey,
      privateKey: legacyEmulator.privateKey,
      urlEndpoint: legacyEmulator.urlEndpoint,
      uploadEndpoint: `${legacyEmulator.url}/api/v1/files/upload`,
    });

  it("imagekit.upload takes a Buffer, base64, a URL, tags and responseFields", async () => {
    const bytes = await png(30, 15);
    const fromBuffer = await legacy().upload({
      file: bytes,
      fileName: "legacy.png",
      tags: ["old", "sdk"],
      folder: "legacy",
      responseFields: ["tags"],
    });
    expect(fromBuffer).toMatchObject({
      name: expect.stringMatching(/^legacy_[A-Za-z0-9_-]{9}\.png$/),
      filePath: expect.stringMatching(/^\/legacy\/legacy_/),
      width: 30,
      height: 15,
      size: bytes.length,
      tags: ["old", "sdk"],
    });
    expect(fromBuffer.$ResponseMetadata.statusCode).toBe(200);
    expect(fromBuffer.$ResponseMetadata.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);

    const fromBase64 = await legacy().upload({
      file: bytes.toString("base64"),
      fileName: "legacy.png",
    });
    expect(fromBase64).toMatchObject({ width: 30, height: 15, size: bytes.length });
    const fromUrl = await legacy().upload({ file: `${localUrl}/photo.jpg`, fileName: "u.jpg" });
    expect(fromUrl).toMatchObject({ width: 90, height: 45, size: servedJpeg.length });
  });

  it("an API error reaches the callback as ImageKit's body with $ResponseMetadata", async () => {
    const error = await legacy()
      .upload({ file: await png(4, 4), fileName: "bad.png", tags: ["100%"] })
      .then(
        () => undefined,
        (e: unknown) =>
          e as { message: string; help: string; $ResponseMetadata: { statusCode: number } },
      );
    expect(error).toEqual({ message: "Your request contains invalid tags parameter.", help: HELP });
    expect(error?.$ResponseMetadata.statusCode).toBe(400);
  });

  it("getAuthenticationParameters signs a client-side upload the emulator accepts", async () => {
    const { token, expire, signature } = legacy().getAuthenticationParameters();
    const form = new FormData();
    form.append("file", blob(await png(5, 5)), "client.png");
    form.append("fileName", "client.png");
    form.append("publicKey", legacyEmulator.publicKey);
    form.append("token", token);
    form.append("expire", String(expire));
    form.append("signature", signature);
    const res = await fetch(`${legacyEmulator.url}/api/v1/files/upload`, {
      method: "POST",
      body: form,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ width: 5, height: 5 });
  });

  it("imagekit.url signs a URL of a private file that the file server accepts", async () => {
    const res = await legacy().upload({
      file: await png(120, 60),
      fileName: "legacy-private.png",
      isPrivateFile: true,
    });
    const signed = legacy().url({
      path: res.filePath,
      transformation: [{ width: "50" }],
      signed: true,
      expireSeconds: 60,
    });
    expect(signed).toContain("ik-s=");
    expect(await imageSize(await get(signed, legacyEmulator))).toEqual({ width: 50, height: 25 });
    expect((await get(res.url, legacyEmulator)).status).toBe(401);
  });

  it("verifyWebhookEvent accepts the emulator's x-ik-signature webhooks", async () => {
    const res = await legacy().upload({ file: await png(6, 6), fileName: "hooked.png" });
    await legacyEmulator.idle();
    const delivery = received.find(
      (r) => r.path === "/hook/legacy" && JSON.parse(r.body).data?.fileId === res.fileId,
    );
    expect(delivery?.headers["x-ik-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const { timestamp, event } = legacy().verifyWebhookEvent(
      delivery?.body as string,
      delivery?.headers["x-ik-signature"] as string,
      WEBHOOK_SECRET,
    );
    expect(Math.abs(timestamp - Date.now())).toBeLessThan(60_000);
    expect(event).toMatchObject({ type: "file.created", data: { fileId: res.fileId } });
    expect(() =>
      legacy().verifyWebhookEvent(
        delivery?.body as string,
        delivery?.headers["x-ik-signature"] as string,
        "whsec_other",
      ),
    ).toThrow();
  });
});
