/**
 * Every example of ImageKit's server-side upload docs (the seed documents in shared/seeds), sent
 * to a running emulator as the docs send it (cURL form fields, or the SDK tab's options as they
 * reach the wire), and the documented response checked field by field.
 *
 * Placeholders of the docs are replaced by local equivalents: `https://imagekit.io/image.jpg`
 * and `https://ik.imagekit.io/ikmedia/red_dress_woman.jpeg` are served by a node:http server on
 * 127.0.0.1 (no outside network here), `webhook_url = "url"` by a local receiver.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import LegacyImageKit from "imagekit";
import sharp from "sharp";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMp4, halvesImage } from "../media/fixtures";
import { blob, jpeg, png } from "../support/images";
import { api, startEmulator, type TestEmulator, upload } from "../support/start-emulator";

const HELP = "For support kindly contact us at support@imagekit.io .";
/** The docs' base64 example: a PNG cut off after its first 12 bytes. */
const DOCS_BASE64 = "iVBORw0KGgoAAAAN";
/** The Go examples' data URI: a 1x1 GIF. */
const GO_DATA_URI =
  "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
/** The default fields of an image upload response (the emulator's documented choice, see its README). */
const DEFAULT_FIELDS = [
  "AITags",
  "fileId",
  "filePath",
  "fileType",
  "height",
  "name",
  "size",
  "thumbnailUrl",
  "url",
  "versionInfo",
  "width",
];
const FILE_ID = /^[0-9a-f]{24}$/;
const SUFFIX = "_[A-Za-z0-9_-]{9}";
const URL_FETCH_TIMEOUT_MS = 300;

/** A parsed JSON body, as the shared `upload()` helper types it. */
type Body = Awaited<ReturnType<typeof upload>>["body"];

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

let emulator: TestEmulator;
let local: Server;
let localUrl: string;
const received: Received[] = [];
const hanging = new Set<Socket>();
/** The pictures the local server hands out as "https://imagekit.io/image.jpg" and the red dress. */
let imageJpg: Buffer;
let redDress: Buffer;

/** Serves the docs' example URLs locally, hangs on `/hang.jpg`, and records webhook calls. */
function localServer(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? "/").split("?")[0] as string;
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
  if (path === "/image.jpg") {
    res.writeHead(200, { "content-type": "image/jpeg" }).end(imageJpg);
  } else if (path === "/ikmedia/red_dress_woman.jpeg") {
    res.writeHead(200, { "content-type": "image/jpeg" }).end(redDress);
  } else if (path === "/hang.jpg") {
    // Never sends headers: the emulator has to give up after its header timeout.
    hanging.add(req.socket);
  } else {
    res.writeHead(404).end("not found");
  }
}

beforeAll(async () => {
  imageJpg = await jpeg(120, 90);
  redDress = await sharp({
    create: { width: 90, height: 160, channels: 3, background: { r: 250, g: 10, b: 10 } },
  })
    .jpeg()
    .toBuffer();
  local = createServer(localServer);
  await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
  localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
  emulator = await startEmulator({ urlFetchTimeoutMs: URL_FETCH_TIMEOUT_MS });
});

afterAll(async () => {
  await emulator?.dispose();
  for (const socket of hanging) socket.destroy();
  local?.closeAllConnections();
  await new Promise<void>((resolve) => (local ? local.close(() => resolve()) : resolve()));
});

/** A file URL fetched through the emulator's own address (the endpoint says `localhost`). */
function get(fileUrl: string): Promise<Response> {
  expect(fileUrl.startsWith(emulator.urlEndpoint)).toBe(true);
  return fetch(`${emulator.url}${fileUrl.slice(new URL(fileUrl).origin.length)}`);
}

async function served(fileUrl: string) {
  const response = await get(fileUrl);
  expect(response.status).toBe(200);
  const data = Buffer.from(await response.arrayBuffer());
  return { data, type: response.headers.get("content-type") };
}

async function details(fileId: string): Promise<Body> {
  const res = await api(emulator, `/v1/files/${fileId}/details`);
  expect(res.status).toBe(200);
  return res.body;
}

async function fileCount(): Promise<number> {
  return ((await api(emulator, "/v1/files")).body as unknown[]).length;
}

/** `imagekit.upload(options, callback)` of the docs' Node.js tab, pointed at the emulator. */
function legacyUpload(options: Parameters<LegacyImageKit["upload"]>[0]) {
  const imagekit = new LegacyImageKit({
    publicKey: emulator.publicKey,
    privateKey: emulator.privateKey,
    urlEndpoint: `${emulator.urlEndpoint}/`,
    uploadEndpoint: `${emulator.url}/api/v1/files/upload`,
  });
  return new Promise<Body>((resolve, reject) => {
    imagekit.upload(options, (error, result) => {
      if (error) reject(error);
      else resolve(result as unknown as Body);
    });
  });
}

/** The documented response of a fresh image upload with the default fields, checked in full. */
async function expectImageResponse(
  body: Body,
  expected: { name: RegExp | string; folder?: string; width?: number; height?: number },
  bytes: Buffer,
) {
  const folder = expected.folder ?? "/";
  expect(body.fileId).toMatch(FILE_ID);
  if (typeof expected.name === "string") expect(body.name).toBe(expected.name);
  else expect(body.name).toMatch(expected.name);
  expect(body.filePath).toBe(`${folder}${body.name}`);
  expect(body.url).toBe(`${emulator.urlEndpoint}${body.filePath}`);
  expect(body.thumbnailUrl).toBe(`${emulator.urlEndpoint}/tr:n-ik_ml_thumbnail${body.filePath}`);
  expect(body.fileType).toBe("image");
  expect(body.size).toBe(bytes.length);
  expect(body.versionInfo).toEqual({ id: body.fileId, name: "Version 1" });
  expect(body.AITags).toBeNull();
  if (expected.width !== undefined) {
    expect(body.width).toBe(expected.width);
    expect(body.height).toBe(expected.height);
  }
  // The stored file is the uploaded one, byte for byte.
  expect((await served(body.url)).data.equals(bytes)).toBe(true);
}

describe("Uploading file from file system", () => {
  it("cURL: a binary part declared type=image/jpg", async () => {
    const bytes = await jpeg(80, 60);
    const res = await upload(emulator, {
      file: blob(bytes, "image/jpg"),
      fileName: "my_file_name.jpg",
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(Object.keys(res.body).sort()).toEqual(DEFAULT_FIELDS);
    await expectImageResponse(
      res.body,
      { name: new RegExp(`^my_file_name${SUFFIX}\\.jpg$`), width: 80, height: 60 },
      bytes,
    );
    // Detected by magic number: the non-standard declared `image/jpg` does not stick.
    expect((await details(res.body.fileId)).mime).toBe("image/jpeg");
    // The thumbnail URL of the response is served: a real image at most 100 px wide.
    const thumbnail = await sharp((await served(res.body.thumbnailUrl)).data).metadata();
    expect(thumbnail.width).toBeLessThanOrEqual(100);
    expect(thumbnail.width).toBeGreaterThan(0);
  });

  it("Node.js: imagekit.upload({ file: data, fileName, tags }, callback)", async () => {
    const data = await jpeg(40, 30);
    const result = await legacyUpload({
      file: data,
      fileName: "my_file_name.jpg",
      tags: ["tag1", "tag2"],
    });
    await expectImageResponse(
      result,
      { name: new RegExp(`^my_file_name${SUFFIX}\\.jpg$`), width: 40, height: 30 },
      data,
    );
    // tags are not in the default response, but stored.
    expect(result.tags).toBeUndefined();
    expect((await details(result.fileId)).tags).toEqual(["tag1", "tag2"]);
  });

  it("Python, PHP, Ruby: binary with tags; .Net: binary without", async () => {
    const data = await png(30, 20);
    const tagged = await upload(emulator, {
      file: blob(data),
      fileName: "my_file_name.jpg",
      tags: "tag1,tag2",
    });
    expect(tagged.status).toBe(200);
    await expectImageResponse(tagged.body, { name: /^my_file_name_/, width: 30, height: 20 }, data);
    expect((await details(tagged.body.fileId)).tags).toEqual(["tag1", "tag2"]);

    const plain = await upload(emulator, { file: blob(data), fileName: "file_name1.jpg" });
    expect(plain.status).toBe(200);
    expect(plain.body.name).toMatch(new RegExp(`^file_name1${SUFFIX}\\.jpg$`));
    expect((await details(plain.body.fileId)).tags).toBeNull();
  });

  it("Java: setUseUniqueFileName(false) keeps the exact name; a second upload is Version 2", async () => {
    const first = await jpeg(50, 50);
    const res = await upload(emulator, {
      file: blob(first),
      fileName: "sample_image.jpg",
      useUniqueFileName: "false",
    });
    expect(res.status).toBe(200);
    await expectImageResponse(res.body, { name: "sample_image.jpg", width: 50, height: 50 }, first);
    expect(res.body.url).toBe(`${emulator.urlEndpoint}/sample_image.jpg`);

    const second = await png(70, 35);
    const again = await upload(emulator, {
      file: blob(second),
      fileName: "sample_image.jpg",
      useUniqueFileName: "false",
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      fileId: res.body.fileId,
      name: "sample_image.jpg",
      filePath: "/sample_image.jpg",
      width: 70,
      height: 35,
      size: second.length,
      versionInfo: { name: "Version 2" },
    });
    expect(again.body.versionInfo.id).toMatch(FILE_ID);
    expect(again.body.versionInfo.id).not.toBe(res.body.fileId);
    // The same URL now serves the new bytes.
    expect((await served(again.body.url)).data.equals(second)).toBe(true);
  });

  it("Go: the example sends no fileName, which is required: 400, nothing stored", async () => {
    const before = await fileCount();
    const res = await upload(emulator, { file: GO_DATA_URI });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: "Your request is missing fileName parameter.",
      help: HELP,
    });
    expect(await fileCount()).toBe(before);
  });
});

describe("Uploading base64 encoded file with some tags", () => {
  it("cURL: the docs' own string iVBORw0KGgoAAAAN (a cut-off PNG) is stored as sent", async () => {
    const res = await upload(emulator, {
      file: DOCS_BASE64,
      fileName: "my_file_name.jpg",
      tags: "tag1,tag2",
    });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(DOCS_BASE64, "base64");
    expect(res.body).toMatchObject({
      fileId: expect.stringMatching(FILE_ID),
      name: expect.stringMatching(new RegExp(`^my_file_name${SUFFIX}\\.jpg$`)),
      fileType: "image",
      size: 12,
      AITags: null,
    });
    expect(res.body.versionInfo).toEqual({ id: res.body.fileId, name: "Version 1" });
    // Too short to have a size: no width or height is invented.
    expect(res.body.width).toBeUndefined();
    expect(res.body.height).toBeUndefined();
    const file = await served(res.body.url);
    expect(file.data.equals(bytes)).toBe(true);
    expect(file.type).toBe("image/png");
    expect((await details(res.body.fileId)).tags).toEqual(["tag1", "tag2"]);
  });

  it("Node.js, PHP, Ruby: base64 of a real image with tags", async () => {
    const img = await png(33, 22);
    const result = await legacyUpload({
      file: img.toString("base64"),
      fileName: "my_file_name.jpg",
      tags: ["tag1", "tag2"],
    });
    await expectImageResponse(result, { name: /^my_file_name_/, width: 33, height: 22 }, img);
    expect((await details(result.fileId)).tags).toEqual(["tag1", "tag2"]);
  });

  it("Ruby: Base64.encode64 output (a newline every 60 characters) decodes to the same bytes", async () => {
    // Large enough to arrive in several chunks, so lines are cut at chunk boundaries too.
    const img = await sharp({
      create: {
        width: 300,
        height: 200,
        channels: 3,
        background: "#808080",
        noise: { type: "gaussian", mean: 128, sigma: 40 },
      },
    })
      .png()
      .toBuffer();
    const encode64 = `${img.toString("base64").replace(/(.{60})/g, "$1\n")}\n`;
    const res = await upload(emulator, {
      file: encode64,
      fileName: "my_file_name.jpg",
      tags: "tag1,tag2",
    });
    expect(res.status).toBe(200);
    await expectImageResponse(res.body, { name: /^my_file_name_/, width: 300, height: 200 }, img);

    // The same bytes as a data URI (what a browser's FileReader gives).
    const dataUri = await upload(emulator, {
      file: `data:image/png;base64,${img.toString("base64")}`,
      fileName: "my_file_name.png",
    });
    expect(dataUri.status).toBe(200);
    await expectImageResponse(
      dataUri.body,
      { name: /^my_file_name_/, width: 300, height: 200 },
      img,
    );
  });

  it("Go: a data URI with FileName and Tags", async () => {
    const res = await upload(emulator, {
      file: GO_DATA_URI,
      fileName: "my_file_name.jpg",
      tags: "tag1,tag2",
    });
    expect(res.status).toBe(200);
    const gif = Buffer.from(GO_DATA_URI.slice(GO_DATA_URI.indexOf(",") + 1), "base64");
    await expectImageResponse(res.body, { name: /^my_file_name_/, width: 1, height: 1 }, gif);
    const stored = await details(res.body.fileId);
    expect(stored).toMatchObject({ mime: "image/gif", tags: ["tag1", "tag2"], size: gif.length });
  });

  it(".Net: a GUID without extension as fileName gets the suffix at its end", async () => {
    const guid = crypto.randomUUID();
    const res = await upload(emulator, { file: DOCS_BASE64, fileName: guid });
    expect(res.status).toBe(200);
    expect(res.body.name).toMatch(new RegExp(`^${guid}${SUFFIX}$`));
    expect(res.body.filePath).toBe(`/${res.body.name}`);
  });

  describe("Python: response_fields, webhook_url, overwrite flags, custom_metadata {test: 11}", () => {
    beforeAll(async () => {
      const field = await api(emulator, "/v1/customMetadataFields", {
        method: "POST",
        body: JSON.stringify({ name: "test", label: "Test", schema: { type: "Number" } }),
      });
      expect(field.status).toBe(201);
    });

    // The Python SDK sends its snake_case options as the documented camelCase fields.
    const pythonFields = (img: Buffer) => ({
      file: img.toString("base64"),
      fileName: "my_file_name.jpg",
      responseFields: "isPrivateFile,customMetadata,tags",
      isPrivateFile: "false",
      tags: "tag1,tag2",
      webhookUrl: `${localUrl}/hook/python`,
      overwriteFile: "false",
      overwriteAITags: "false",
      overwriteTags: "false",
      overwriteCustomMetadata: "true",
      customMetadata: JSON.stringify({ test: 11 }),
    });

    it("answers the default fields plus exactly the three asked for", async () => {
      const img = await jpeg(64, 64);
      const res = await upload(emulator, pythonFields(img));
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(
        [...DEFAULT_FIELDS, "customMetadata", "isPrivateFile", "tags"].sort(),
      );
      expect(res.body.isPrivateFile).toBe(false);
      expect(res.body.customMetadata).toEqual({ test: 11 });
      expect(res.body.tags).toEqual(["tag1", "tag2"]);
      await expectImageResponse(res.body, { name: /^my_file_name_/, width: 64, height: 64 }, img);
      // Python prints upload.version_info.id: the first version's id is the fileId.
      expect(res.body.versionInfo.id).toBe(res.body.fileId);
      // No extension was pending, so nothing is posted to webhook_url.
      await emulator.idle();
      expect(received.filter((r) => r.path === "/hook/python")).toEqual([]);
    });

    it("refuses a custom_metadata value of the wrong type for the Number field", async () => {
      const res = await upload(emulator, {
        ...pythonFields(await jpeg(8, 8)),
        customMetadata: JSON.stringify({ test: "11" }),
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe("Invalid custom metadata.");
      expect(res.body.errors).toEqual({ test: expect.any(String) });
    });

    it("overwrite_file = False refuses to replace a file at the same path when names are not unique", async () => {
      const fields = { ...pythonFields(await jpeg(8, 8)), useUniqueFileName: "false" };
      expect((await upload(emulator, { ...fields, fileName: "python.jpg" })).status).toBe(200);
      const again = await upload(emulator, { ...fields, fileName: "python.jpg" });
      expect(again.status).toBe(400);
      expect(again.body).toEqual({
        message:
          "A file with the same name already exists at the exact location. We could not overwrite it because both overwriteFile and useUniqueFileName are set to false.",
        help: HELP,
      });
    });
  });
});

describe("Uploading file via URL", () => {
  it("cURL: ImageKit downloads the URL and stores what it served", async () => {
    const res = await upload(emulator, {
      file: `${localUrl}/image.jpg`,
      fileName: "my_file_name.jpg",
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(DEFAULT_FIELDS);
    await expectImageResponse(
      res.body,
      { name: /^my_file_name_/, width: 120, height: 90 },
      imageJpg,
    );
  });

  it("Node.js: imagekit.upload({ file: url, fileName })", async () => {
    const result = await legacyUpload({
      file: `${localUrl}/image.jpg`,
      fileName: "my_file_name.jpg",
    });
    await expectImageResponse(result, { name: /^my_file_name_/, width: 120, height: 90 }, imageJpg);
  });

  // The emulator reads the first 512 bytes to tell a URL from base64: the rest must follow.
  it("a URL longer than the first read is fetched whole", async () => {
    const res = await upload(emulator, {
      file: `${localUrl}/image.jpg?pad=${"x".repeat(2000)}`,
      fileName: "long_url.jpg",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ width: 120, height: 90 });
  });

  it("answers 400 to a URL over 8 KiB", async () => {
    const res = await upload(emulator, {
      file: `${localUrl}/image.jpg?pad=${"x".repeat(9000)}`,
      fileName: "too_long_url.jpg",
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Your request contains invalid file parameter.");
  });

  it("answers 400 when the URL cannot be downloaded", async () => {
    const before = await fileCount();
    const res = await upload(emulator, {
      file: `${localUrl}/missing.jpg`,
      fileName: "my_file_name.jpg",
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Your request contains invalid file parameter\./);
    expect(res.body.help).toBe(HELP);
    expect(await fileCount()).toBe(before);
  });

  it("answers 400 when the response headers do not arrive in time", async () => {
    const before = await fileCount();
    const started = Date.now();
    const res = await upload(emulator, {
      file: `${localUrl}/hang.jpg`,
      fileName: "my_file_name.jpg",
    });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^Your request contains invalid file parameter\./);
    expect(elapsed).toBeGreaterThanOrEqual(URL_FETCH_TIMEOUT_MS - 20);
    expect(elapsed).toBeLessThan(URL_FETCH_TIMEOUT_MS + 3000);
    expect(hanging.size).toBeGreaterThan(0);
    expect(await fileCount()).toBe(before);
  });
});

describe("Setting custom metadata during upload", () => {
  beforeAll(async () => {
    for (const name of ["brand", "color"]) {
      const res = await api(emulator, "/v1/customMetadataFields", {
        method: "POST",
        body: JSON.stringify({ name, label: name.toUpperCase(), schema: { type: "Text" } }),
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(FILE_ID),
        name,
        label: name.toUpperCase(),
        schema: { type: "Text" },
      });
    }
  });

  it('cURL: customMetadata={"brand":"Nike", "color":"red"} from a URL', async () => {
    const res = await upload(emulator, {
      file: `${localUrl}/ikmedia/red_dress_woman.jpeg`,
      fileName: "women_in_red.jpg",
      customMetadata: '{"brand":"Nike", "color":"red"}',
    });
    expect(res.status).toBe(200);
    // Only with responseFields does customMetadata come back ("Use responseField ...").
    expect(res.body.customMetadata).toBeUndefined();
    await expectImageResponse(
      res.body,
      { name: new RegExp(`^women_in_red${SUFFIX}\\.jpg$`), width: 90, height: 160 },
      redDress,
    );
    expect((await details(res.body.fileId)).customMetadata).toEqual({
      brand: "Nike",
      color: "red",
    });
  });

  it("with responseFields=customMetadata the values come back (Node.js, Go, .Net)", async () => {
    const res = await upload(emulator, {
      file: `${localUrl}/ikmedia/red_dress_woman.jpeg`,
      fileName: "women_in_red.jpg",
      customMetadata: JSON.stringify({ brand: "Nike", color: "red" }),
      responseFields: "customMetadata",
    });
    expect(res.status).toBe(200);
    expect(res.body.customMetadata).toEqual({ brand: "Nike", color: "red" });

    const legacy = await legacyUpload({
      file: `${localUrl}/ikmedia/red_dress_woman.jpeg`,
      fileName: "women_in_red.jpg",
      customMetadata: { brand: "Nike", color: "red" },
      responseFields: ["customMetadata"],
    });
    expect(legacy.customMetadata).toEqual({ brand: "Nike", color: "red" });

    const dotnet = await upload(emulator, {
      file: DOCS_BASE64,
      fileName: crypto.randomUUID(),
      customMetadata: JSON.stringify({ brand: "Nike", color: "red" }),
      responseFields: "customMetadata",
    });
    expect(dotnet.status).toBe(200);
    expect(dotnet.body.customMetadata).toEqual({ brand: "Nike", color: "red" });
  });

  it("refuses a key that has no field (created through the API first)", async () => {
    const before = await fileCount();
    const res = await upload(emulator, {
      file: `${localUrl}/image.jpg`,
      fileName: "women_in_red.jpg",
      customMetadata: '{"brand":"Nike", "size":"M"}',
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("Invalid custom metadata.");
    expect(Object.keys(res.body.errors)).toEqual(["size"]);
    expect(await fileCount()).toBe(before);
  });
});

describe("Applying extensions while uploading", () => {
  const DOCS_EXTENSIONS =
    '[{"name":"remove-bg","options":{"add_shadow":true,"bg_colour":"green"}},{"name":"google-auto-tagging","maxTags":5,"minConfidence":95}]';

  it("cURL: remove-bg is pending, google-auto-tagging succeeds with AITags", async () => {
    const bytes = await jpeg(60, 40);
    const res = await upload(emulator, {
      file: blob(bytes),
      fileName: "my_file_name.jpg",
      extensions: DOCS_EXTENSIONS,
    });
    expect(res.status).toBe(200);
    expect(res.body.extensionStatus).toEqual({
      "remove-bg": "pending",
      "google-auto-tagging": "success",
    });
    expect(Object.keys(res.body).sort()).toEqual([...DEFAULT_FIELDS, "extensionStatus"].sort());
    const tags = res.body.AITags as { name: string; confidence: number; source: string }[];
    expect(Array.isArray(tags)).toBe(true);
    expect(tags.length).toBeGreaterThanOrEqual(1);
    expect(tags.length).toBeLessThanOrEqual(5);
    for (const tag of tags) {
      expect(Object.keys(tag).sort()).toEqual(["confidence", "name", "source"]);
      expect(typeof tag.name).toBe("string");
      expect(tag.name).not.toBe("");
      expect(typeof tag.confidence).toBe("number");
      expect(tag.confidence).toBeGreaterThanOrEqual(95);
      expect(tag.source).toBe("google-auto-tagging");
    }
    // The stand-in tags the image's dominant colour (a blue JPEG here).
    expect(tags.map((tag) => tag.name)).toContain("Blue");
    expect((await details(res.body.fileId)).AITags).toEqual(tags);
  });

  it("the remove-bg result arrives at webhookUrl, signed", async () => {
    const res = await upload(emulator, {
      file: blob(await jpeg(60, 40)),
      fileName: "my_file_name.jpg",
      extensions: DOCS_EXTENSIONS,
      webhookUrl: `${localUrl}/hook/remove-bg`,
    });
    expect(res.status).toBe(200);
    expect(res.body.extensionStatus["remove-bg"]).toBe("pending");
    await emulator.idle();
    const calls = received.filter((r) => r.path === "/hook/remove-bg");
    expect(calls).toHaveLength(1);
    const call = calls[0] as Received;
    expect(call.headers["content-type"]).toMatch(/^application\/json/);
    const payload = JSON.parse(call.body);
    expect(payload).toMatchObject({
      service: "remove-bg",
      status: "SUCCESS",
      fileObject: {
        fileId: res.body.fileId,
        name: res.body.name,
        filePath: res.body.filePath,
        fileType: "image",
        type: "file",
      },
    });
    // Standard Webhooks signature with the account's webhook secret (emulator default).
    const secret = Buffer.from("whsec_emulator_secret").toString("base64");
    expect(new Webhook(secret).verify(call.body, call.headers)).toEqual(payload);
    expect(() => new Webhook(secret).verify(`${call.body} `, call.headers)).toThrow();
  });

  it("Python: from a URL, minConfidence 80 and maxTags 10", async () => {
    const res = await upload(emulator, {
      file: `${localUrl}/ikmedia/red_dress_woman.jpeg`,
      fileName: "women_in_red.jpg",
      extensions: JSON.stringify([
        { name: "remove-bg", options: { add_shadow: true, bg_color: "pink" } },
        { name: "google-auto-tagging", minConfidence: 80, maxTags: 10 },
      ]),
    });
    expect(res.status).toBe(200);
    expect(res.body.extensionStatus).toEqual({
      "remove-bg": "pending",
      "google-auto-tagging": "success",
    });
    const tags = res.body.AITags as { name: string; confidence: number }[];
    expect(tags.length).toBeGreaterThan(1);
    expect(tags.every((tag) => tag.confidence >= 80)).toBe(true);
    expect(tags.map((tag) => tag.name)).toContain("Red");
  });

  it("Go: aws-auto-tagging (minConfidence 0, maxTags 10) and remove-bg on the GIF data URI", async () => {
    const res = await upload(emulator, {
      file: GO_DATA_URI,
      fileName: "my_file_name.gif",
      extensions: JSON.stringify([
        { name: "aws-auto-tagging", minConfidence: 0, maxTags: 10 },
        { name: "remove-bg", options: {} },
      ]),
    });
    expect(res.status).toBe(200);
    expect(res.body.extensionStatus).toEqual({
      "aws-auto-tagging": "success",
      "remove-bg": "pending",
    });
    const tags = res.body.AITags as { source: string }[];
    expect(tags.length).toBeGreaterThan(0);
    expect(tags.length).toBeLessThanOrEqual(10);
    expect(tags.every((tag) => tag.source === "aws-auto-tagging")).toBe(true);
  });

  it("Node.js (extensions as a string) and .Net (bg_image_url, semitransparency) are accepted", async () => {
    const legacy = await legacyUpload({
      file: await jpeg(20, 20),
      fileName: "my_file_name.jpg",
      extensions: DOCS_EXTENSIONS as unknown as [],
    });
    expect(legacy.extensionStatus).toEqual({
      "remove-bg": "pending",
      "google-auto-tagging": "success",
    });

    const dotnet = await upload(emulator, {
      file: DOCS_BASE64,
      fileName: crypto.randomUUID(),
      extensions: JSON.stringify([
        {
          name: "remove-bg",
          options: {
            add_shadow: true,
            semitransparency: false,
            bg_image_url: "http://www.google.com/images/logos/ps_logo2.png",
          },
        },
        { name: "google-auto-tagging", maxTags: 5, minConfidence: 95 },
      ]),
    });
    expect(dotnet.status).toBe(200);
    expect(Object.keys(dotnet.body.extensionStatus).sort()).toEqual([
      "google-auto-tagging",
      "remove-bg",
    ]);
  });

  it("without extensions there is no extensionStatus", async () => {
    const res = await upload(emulator, { file: blob(await jpeg(8, 8)), fileName: "x.jpg" });
    expect(res.body).not.toHaveProperty("extensionStatus");
  });
});

describe("Applying pre & post transformations while uploading", () => {
  const DOCS_TRANSFORMATION =
    '{"pre":"rt-90", "post": [{"type": "transformation", "value": "bg-red"}]}';

  it("cURL: rt-90 really rotates before storing; bg-red (a named colour) is accepted", async () => {
    // Left half red, right half blue: turned 90° clockwise, red is on top, blue below.
    const res = await upload(emulator, {
      file: blob(await halvesImage("jpeg", 64, 48)),
      fileName: "my_file_name.jpg",
      transformation: DOCS_TRANSFORMATION,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ width: 48, height: 64, fileType: "image" });
    const stored = await served(res.body.url);
    expect(res.body.size).toBe(stored.data.length);
    const { data, info } = await sharp(stored.data).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 48, height: 64 });
    const pixel = (x: number, y: number) => {
      const at = (y * info.width + x) * info.channels;
      return [data[at], data[at + 1], data[at + 2]] as number[];
    };
    const [top, bottom] = [pixel(24, 8), pixel(24, 56)];
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(60);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(60);

    // The post-transformation is generated after the response and served at tr:bg-red as
    // stored (its ETag is a stored blob's key, not an on-demand render's).
    await emulator.idle();
    const post = await get(`${emulator.urlEndpoint}/tr:bg-red${res.body.filePath}`);
    expect(post.status).toBe(200);
    expect(post.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    const output = await sharp(Buffer.from(await post.arrayBuffer())).metadata();
    expect(output).toMatchObject({ width: 48, height: 64, format: "jpeg" });
  });

  it("refuses a transformation the docs do not define (400, documented message)", async () => {
    const res = await upload(emulator, {
      file: blob(await jpeg(8, 8)),
      fileName: "my_file_name.jpg",
      transformation:
        '{"pre":"rt-90", "post": [{"type": "transformation", "value": "bg-notacolour"}]}',
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: "The file could not be uploaded because the transformation field is invalid.",
      help: HELP,
    });
  });
});

describe("Response code and structure: the documented example, every field", () => {
  const XMP = [
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"',
    ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">',
    '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">The Title (ref2019.1)</rdf:li></rdf:Alt></dc:title>',
    '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">The description aka caption (ref2019.1)</rdf:li></rdf:Alt></dc:description>',
    "<photoshop:State>Province/State(Core)(ref2019.1)</photoshop:State>",
    "</rdf:Description></rdf:RDF></x:xmpmeta>",
    '<?xpacket end="w"?>',
  ].join("");
  // The docs' value without its trailing " (ref2019.1)": libvips reads a trailing parenthesis of
  // an EXIF string as its own type annotation and drops it when writing.
  const COPYRIGHT = "Copyright (Notice) 2019.1 IPTC - www.iptc.org";

  it("answers fileId, name, url, thumbnailUrl, height, width, size, filePath, tags, AITags, versionInfo, isPrivateFile, customCoordinates, customMetadata, embeddedMetadata, extensionStatus, fileType", async () => {
    // A 200x300 JPEG like the example's, with EXIF (sharp withExif) and XMP metadata.
    const file1 = await sharp({
      create: { width: 200, height: 300, channels: 3, background: { r: 250, g: 10, b: 10 } },
    })
      .jpeg()
      .withExif({ IFD0: { Copyright: COPYRIGHT, Make: "Nikon", Model: "D850" } })
      .withXmp(XMP)
      .toBuffer();
    const res = await upload(emulator, {
      file: blob(file1, "image/jpeg"),
      fileName: "file1.jpg",
      folder: "/images/products/",
      useUniqueFileName: "false",
      tags: "t-shirt,round-neck,sale2019",
      customMetadata: '{"brand":"Nike", "color":"red"}',
      extensions: JSON.stringify([
        { name: "google-auto-tagging", maxTags: 5, minConfidence: 90 },
        { name: "aws-auto-tagging", maxTags: 5, minConfidence: 90 },
      ]),
      responseFields: "tags,customCoordinates,isPrivateFile,embeddedMetadata,customMetadata",
    });
    expect(res.status).toBe(200);
    const body = res.body;
    // The example's fields, plus the EXIF orientation the file carries (as in ImageKit's
    // default examples).
    expect(Object.keys(body).sort()).toEqual(
      [
        "fileId",
        "name",
        "url",
        "thumbnailUrl",
        "height",
        "width",
        "size",
        "filePath",
        "tags",
        "AITags",
        "versionInfo",
        "isPrivateFile",
        "customCoordinates",
        "customMetadata",
        "embeddedMetadata",
        "extensionStatus",
        "fileType",
        "orientation",
      ].sort(),
    );
    expect(body.fileId).toMatch(FILE_ID);
    expect(body.name).toBe("file1.jpg");
    expect(body.url).toBe(`${emulator.urlEndpoint}/images/products/file1.jpg`);
    expect(body.thumbnailUrl).toBe(
      `${emulator.urlEndpoint}/tr:n-ik_ml_thumbnail/images/products/file1.jpg`,
    );
    expect(body.height).toBe(300);
    expect(body.width).toBe(200);
    expect(body.size).toBe(file1.length);
    expect(body.filePath).toBe("/images/products/file1.jpg");
    expect(body.tags).toEqual(["t-shirt", "round-neck", "sale2019"]);
    expect(body.AITags.length).toBeGreaterThan(0);
    for (const tag of body.AITags) {
      expect(tag).toEqual({
        name: expect.any(String),
        confidence: expect.any(Number),
        source: expect.stringMatching(/^(google|aws)-auto-tagging$/),
      });
      expect(tag.confidence).toBeGreaterThanOrEqual(90);
    }
    expect(body.AITags).toContainEqual(
      expect.objectContaining({ name: "Red", source: "google-auto-tagging" }),
    );
    expect(body.versionInfo).toEqual({ id: body.fileId, name: "Version 1" });
    expect(body.isPrivateFile).toBe(false);
    expect(body.customCoordinates).toBeNull();
    expect(body.customMetadata).toEqual({ brand: "Nike", color: "red" });
    expect(body.embeddedMetadata).toMatchObject({
      Title: "The Title (ref2019.1)",
      Description: "The description aka caption (ref2019.1)",
      State: "Province/State(Core)(ref2019.1)",
      Copyright: COPYRIGHT,
      Make: "Nikon",
      Model: "D850",
    });
    expect(body.extensionStatus).toEqual({
      "google-auto-tagging": "success",
      "aws-auto-tagging": "success",
    });
    expect(body.fileType).toBe("image");
    expect(body.orientation).toBe(1);
    // The older docs' thumbnail name is served too.
    const thumb = await served(
      `${emulator.urlEndpoint}/tr:n-media_library_thumbnail/images/products/file1.jpg`,
    );
    expect(await sharp(thumb.data).metadata()).toMatchObject({ width: 67, height: 100 });
  });

  it("tags and customCoordinates are null when not set; a file without metadata has {}", async () => {
    const res = await upload(emulator, {
      file: blob(await png(10, 10)),
      fileName: "bare.png",
      responseFields: "tags,customCoordinates,embeddedMetadata,customMetadata,isPrivateFile",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      tags: null,
      customCoordinates: null,
      embeddedMetadata: {},
      customMetadata: {},
      isPrivateFile: false,
    });
    const withCoordinates = await upload(emulator, {
      file: blob(await png(10, 10)),
      fileName: "coords.png",
      customCoordinates: "10,10,100,100",
      isPrivateFile: "true",
      responseFields: "customCoordinates,isPrivateFile",
    });
    expect(withCoordinates.body).toMatchObject({
      customCoordinates: "10,10,100,100",
      isPrivateFile: true,
    });
  });

  it("metadata (legacy format) and isPublished come back when asked for", async () => {
    const bytes = await jpeg(40, 30);
    const res = await upload(emulator, {
      file: blob(bytes),
      fileName: "legacy.jpg",
      responseFields: "metadata,isPublished",
    });
    expect(res.status).toBe(200);
    expect(res.body.isPublished).toBe(true);
    expect(res.body.metadata).toMatchObject({
      height: 30,
      width: 40,
      size: bytes.length,
      format: "jpg",
      hasColorProfile: false,
      quality: expect.any(Number),
      density: 72,
      hasTransparency: false,
      pHash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(Object.keys(res.body.metadata.exif).sort()).toEqual(
      ["exif", "gps", "image", "interoperability", "makernote", "thumbnail"].sort(),
    );
  });

  it("isPublished=false: the file exists only in the media library, not at its URL", async () => {
    const res = await upload(emulator, {
      file: blob(await png(10, 10)),
      fileName: "draft.png",
      isPublished: "false",
      responseFields: "isPublished",
    });
    expect(res.status).toBe(200);
    expect(res.body.isPublished).toBe(false);
    expect((await get(res.body.url)).status).toBe(404);
    expect((await details(res.body.fileId)).isPublished).toBe(false);
  });

  it("a video answers bitRate, videoCodec, audioCodec and duration, no thumbnailUrl, fileType non-image", async () => {
    const mp4 = buildMp4();
    const res = await upload(emulator, { file: blob(mp4), fileName: "clip.mp4" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      fileType: "non-image",
      width: 640,
      height: 360,
      size: mp4.length,
      duration: 5,
      bitRate: Math.round((mp4.length * 8) / 5),
      videoCodec: "h264",
      audioCodec: "aac",
    });
    expect(res.body).not.toHaveProperty("thumbnailUrl");
    expect((await served(res.body.url)).data.equals(mp4)).toBe(true);
  });

  it("a file over the free plan's 25 MB is refused with the documented message", async () => {
    // 25 MB read as 25,000,000 bytes (the README's emulator choice).
    const free = await startEmulator({ plan: "free" });
    try {
      const exact = await upload(free, {
        file: blob(Buffer.alloc(25_000_000)),
        fileName: "exact.bin",
      });
      expect(exact.status).toBe(200);
      const res = await upload(free, {
        file: blob(Buffer.alloc(25_000_001)),
        fileName: "huge.bin",
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        message: "Your request contains invalid file parameter. The file size exceeds limits.",
        help: HELP,
      });
      expect((await api(free, "/v1/files")).body).toHaveLength(1);
    } finally {
      await free.dispose();
    }
  });
});
