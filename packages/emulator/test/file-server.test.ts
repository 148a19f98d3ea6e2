import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ImageKit from "@imagekit/nodejs";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createEmulator, type Emulator } from "../src/index";
import { buildMp4, halvesImage } from "./media/fixtures";

let emulator: Emulator;
let dataDir: string;
let original: Buffer;
let publicFile: Uploaded;

const auth = `Basic ${Buffer.from("private_emulator_key:").toString("base64")}`;

/** The upload response fields these tests read. */
interface Uploaded {
  url: string;
  filePath: string;
  thumbnailUrl?: string;
  width?: number;
  height?: number;
}

async function upload(fields: Record<string, string | Buffer>): Promise<Uploaded> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === "string") form.append(name, value);
    else form.append(name, new Blob([new Uint8Array(value)]), String(fields.fileName));
  }
  const response = await fetch(`${emulator.url}/api/v1/files/upload`, {
    method: "POST",
    body: form,
    headers: { authorization: auth },
  });
  const body = await response.json();
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body as Uploaded;
}

/**
 * Fetches a file URL through the emulator's own address (the URL endpoint says `localhost`,
 * which may resolve to IPv6 first); path and query, and so any signature, stay as they are.
 */
function get(fileUrl: string, init?: RequestInit): Promise<Response> {
  const url = new URL(fileUrl);
  return fetch(`${emulator.url}${fileUrl.slice(url.origin.length)}`, init);
}

async function image(response: Response) {
  expect(response.status).toBe(200);
  const data = Buffer.from(await response.arrayBuffer());
  const meta = await sharp(data).metadata();
  return { data, width: meta.width, height: meta.height, format: meta.format };
}

/** `<urlEndpoint>/tr:<tr><filePath>`. */
const withPathTr = (file: { filePath: string }, tr: string) =>
  `${emulator.urlEndpoint}/tr:${tr}${file.filePath}`;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "file-server-test-"));
  emulator = await createEmulator({ port: 0, dataDir, asyncDelayMs: 10 });
  original = await halvesImage("png", 200, 100);
  publicFile = await upload({ file: original, fileName: "halves.png", folder: "/tests" });
});

afterAll(async () => {
  await emulator?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("file server: originals", () => {
  it("serves the original bytes with type, length and validators", async () => {
    const res = await get(publicFile.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("content-length")).toBe(String(original.length));
    expect(res.headers.get("etag")).toMatch(/^".+"$/);
    expect(res.headers.get("last-modified")).toBeTruthy();
    expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);
  });

  it("answers HEAD without a body, 304 to a matching ETag, 206 to a range", async () => {
    const head = await get(publicFile.url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(original.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const etag = head.headers.get("etag") as string;
    const cached = await get(publicFile.url, { headers: { "if-none-match": etag } });
    expect(cached.status).toBe(304);

    const range = await get(publicFile.url, { headers: { range: "bytes=0-9" } });
    expect(range.status).toBe(206);
    expect(range.headers.get("content-range")).toBe(`bytes 0-9/${original.length}`);
    expect(Buffer.from(await range.arrayBuffer()).equals(original.subarray(0, 10))).toBe(true);
  });

  it("ignores ?updatedAt= (file objects carry it)", async () => {
    const res = await get(`${publicFile.url}?updatedAt=1700000000000`);
    expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);
  });

  it("answers 404 JSON for an unknown path", async () => {
    const res = await get(`${emulator.urlEndpoint}/tests/nope.png`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      message: expect.any(String),
      help: expect.any(String),
    });
  });

  it("streams a video original, ranges included", async () => {
    const mp4 = buildMp4();
    const res = await upload({ file: mp4, fileName: "clip.mp4" });
    const whole = await get(res.url);
    expect(whole.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await whole.arrayBuffer()).equals(mp4)).toBe(true);
    const tail = await get(res.url, { headers: { range: "bytes=-100" } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(mp4.subarray(mp4.length - 100))).toBe(true);
  });
});

describe("file server: transformations", () => {
  it("resizes with a path transformation (tr:w-50) and caches the result on disk", async () => {
    const first = await get(withPathTr(publicFile, "w-50"));
    const etag = first.headers.get("etag");
    expect(await image(first)).toMatchObject({ width: 50, height: 25, format: "png" });
    const cache = await readdir(join(dataDir, "cache"));
    expect(cache.some((name) => name.endsWith(".png"))).toBe(true);
    expect(cache.some((name) => name.endsWith(".tmp"))).toBe(false);
    const again = await get(withPathTr(publicFile, "w-50"));
    expect(again.headers.get("etag")).toBe(etag);
    expect(await image(again)).toMatchObject({ width: 50, height: 25 });
  });

  it("accepts the query form (?tr=) and chained steps", async () => {
    expect(await image(await get(`${publicFile.url}?tr=w-50,h-20`))).toMatchObject({
      width: 50,
      height: 20,
    });
    const chained = await image(await get(`${publicFile.url}?tr=w-100:rt-90,f-webp`));
    expect(chained).toMatchObject({ width: 50, height: 100, format: "webp" });
  });

  it("serves the named media library thumbnail (the upload's thumbnailUrl)", async () => {
    expect(publicFile.thumbnailUrl).toBe(withPathTr(publicFile, "n-ik_ml_thumbnail"));
    const thumb = await image(await get(publicFile.thumbnailUrl as string));
    expect(thumb).toMatchObject({ width: 100, height: 50 });
  });

  it("answers 400 to an invalid transformation", async () => {
    const res = await get(withPathTr(publicFile, "w-abc"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/w-abc/);
    expect((await get(`${publicFile.url}?tr=zz-1`)).status).toBe(400);
  });

  it("serves a post-transformation generated at upload without re-rendering it", async () => {
    const res = await upload({
      file: original,
      fileName: "post.png",
      transformation: JSON.stringify({ post: [{ type: "transformation", value: "w-30,h-30" }] }),
    });
    await emulator.idle();
    const served = await get(withPathTr(res, "w-30,h-30"));
    // A stored blob key (32 hex) as the ETag, not a render-cache key (40 hex).
    expect(served.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await image(served)).toMatchObject({ width: 30, height: 30 });
  });

  it("stores the pre-transformed image (rt-90, as in ImageKit's docs)", async () => {
    const res = await upload({
      file: original,
      fileName: "pre.png",
      transformation: JSON.stringify({ pre: "rt-90" }),
    });
    expect(res).toMatchObject({ width: 100, height: 200 });
    expect(await image(await get(res.url))).toMatchObject({ width: 100, height: 200 });
  });
});

describe("file server: private files", () => {
  let privateFile: { url: string; filePath: string };
  const sdk = () => new ImageKit({ privateKey: emulator.privateKey });

  beforeAll(async () => {
    const res = await upload({ file: original, fileName: "secret.png", isPrivateFile: "true" });
    privateFile = { url: res.url, filePath: res.filePath };
  });

  it("refuses the unsigned original and unnamed transformations with 401", async () => {
    expect((await get(privateFile.url)).status).toBe(401);
    expect((await get(withPathTr(privateFile, "w-50"))).status).toBe(401);
  });

  it("serves a URL signed by the official SDK's buildSrc", async () => {
    const signed = sdk().helper.buildSrc({
      src: privateFile.filePath,
      urlEndpoint: emulator.urlEndpoint,
      signed: true,
      expiresIn: 300,
    });
    const res = await get(signed);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(original)).toBe(true);

    const transformed = sdk().helper.buildSrc({
      src: privateFile.filePath,
      urlEndpoint: emulator.urlEndpoint,
      signed: true,
      transformation: [{ width: 40 }],
      transformationPosition: "path",
    });
    expect(await image(await get(transformed))).toMatchObject({ width: 40, height: 20 });
  });

  it("serves named transformations unsigned", async () => {
    expect(await image(await get(withPathTr(privateFile, "n-ik_ml_thumbnail")))).toMatchObject({
      width: 100,
    });
  });

  it("refuses a tampered or expired signed URL with 401", async () => {
    const signed = sdk().helper.buildSrc({
      src: privateFile.filePath,
      urlEndpoint: emulator.urlEndpoint,
      signed: true,
      expiresIn: 300,
    });
    expect((await get(signed.replace(/ik-s=[0-9a-f]+/, `ik-s=${"0".repeat(40)}`))).status).toBe(
      401,
    );
    expect(
      (await get(signed.replace(/ik-t=(\d+)/, (_, t) => `ik-t=${Number(t) + 1}`))).status,
    ).toBe(401);
    expect((await get(`${signed}&tr=w-10`)).status).toBe(401);

    // Signed ten minutes ago for five minutes: the SDK reads the clock through Date.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() - 600_000);
    const expired = sdk().helper.buildSrc({
      src: privateFile.filePath,
      urlEndpoint: emulator.urlEndpoint,
      signed: true,
      expiresIn: 300,
    });
    vi.useRealTimers();
    const res = await get(expired);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { message: string }).message).toMatch(/expired/);
  });
});
