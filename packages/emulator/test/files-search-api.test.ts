/**
 * `GET /v1/files` with `searchQuery` and `type`, over HTTP, on real uploads: which files (and
 * folders) come back, with `path`, `sort`, `skip` and `limit` still applying.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { blob, png } from "./support/images";
import { api, startEmulator, type TestEmulator, upload } from "./support/start-emulator";

const HELP = "For support kindly contact us at support@imagekit.io .";
const OLD = "2020-01-15T10:00:00.000Z";

let emulator: TestEmulator;
const uploaded: Record<string, { fileId: string; size: number }> = {};

async function noisyJpeg(): Promise<Buffer> {
  return sharp({
    create: {
      width: 300,
      height: 300,
      channels: 3,
      background: "#888",
      noise: { type: "gaussian", mean: 128, sigma: 60 },
    },
  })
    .jpeg({ quality: 95 })
    .toBuffer();
}

async function put(fileName: string, data: Buffer, fields: Record<string, string> = {}) {
  const res = await upload(emulator, {
    file: blob(data),
    fileName,
    useUniqueFileName: "false",
    folder: "/search/",
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  uploaded[fileName] = { fileId: res.body.fileId, size: res.body.size };
}

async function defineField(name: string, type: string) {
  const res = await api(emulator, "/v1/customMetadataFields", {
    method: "POST",
    body: JSON.stringify({ name, label: name, schema: { type } }),
  });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  emulator = await startEmulator();
  await defineField("brand", "Text");
  await defineField("rating", "Number");
  // One file "uploaded" in January 2020: only Date is faked, so I/O runs as usual.
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date(OLD));
  try {
    await put("red-dress-summer.png", await png(64, 48), {
      tags: "sale,summer",
      customMetadata: JSON.stringify({ brand: "Nike", rating: 4 }),
    });
  } finally {
    vi.useRealTimers();
  }
  await put("red-dress-winter.jpg", await noisyJpeg(), {
    tags: "sale",
    customMetadata: JSON.stringify({ brand: "Adidas", rating: 5 }),
  });
  await put("blue-shirt.png", await png(16, 16), {
    folder: "/search/nested/",
    isPrivateFile: "true",
  });
  await put("notes.txt", Buffer.from("plain text notes\n"), { tags: "docs" });
  expect(uploaded["red-dress-winter.jpg"]?.size).toBeGreaterThan(10 * 1024);
  for (const name of ["red-dress-summer.png", "blue-shirt.png", "notes.txt"])
    expect(uploaded[name]?.size).toBeLessThan(10 * 1024);
});

afterAll(() => emulator?.dispose());

type Listed = Record<string, unknown>;

async function list(params: Record<string, string>): Promise<Listed[]> {
  const res = await api(emulator, `/v1/files?${new URLSearchParams(params)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Listed[];
}

/** The names listed, files and folders alike, in the order answered. */
const names = async (params: Record<string, string>) =>
  (await list(params)).map((item) => item.name as string);

const search = (searchQuery: string, params: Record<string, string> = {}) =>
  names({ searchQuery, sort: "ASC_NAME", ...params });

describe("GET /v1/files?searchQuery=...", () => {
  it.each([
    ['name : "red-dress"', ["red-dress-summer.png", "red-dress-winter.jpg"]],
    ['name = "red-dress-summer.png"', ["red-dress-summer.png"]],
    ['name HAS "Dress WIN"', ["red-dress-winter.jpg"]],
    ['tags IN ["summer", "docs"]', ["notes.txt", "red-dress-summer.png"]],
    ['tags NOT IN ["sale"]', ["blue-shirt.png", "notes.txt"]],
    ["tags NOT EXISTS", ["blue-shirt.png"]],
    ['createdAt < "2021-01-01"', ["red-dress-summer.png"]],
    ['createdAt > "7d"', ["blue-shirt.png", "notes.txt", "red-dress-winter.jpg"]],
    ['size > "10kb"', ["red-dress-winter.jpg"]],
    ['"customMetadata.brand" = "Nike"', ["red-dress-summer.png"]],
    ['"customMetadata.rating" >= 5', ["red-dress-winter.jpg"]],
    ['format = "png"', ["blue-shirt.png", "red-dress-summer.png"]],
    ['format IN ["jpg", "txt"]', ["notes.txt", "red-dress-winter.jpg"]],
    ["private = true", ["blue-shirt.png"]],
    ["width >= 64", ["red-dress-summer.png", "red-dress-winter.jpg"]],
    ['(name : "red" AND size < "10kb") OR tags IN ["docs"]', ["notes.txt", "red-dress-summer.png"]],
    ['path = "/search/nested/"', ["blue-shirt.png"]],
    [
      'path : "/search"',
      ["blue-shirt.png", "notes.txt", "red-dress-summer.png", "red-dress-winter.jpg"],
    ],
  ])("%s", async (query, expected) => {
    expect(await search(query)).toEqual(expected);
  });

  it("answers File objects, as without a search", async () => {
    const [file] = await list({ searchQuery: 'name = "notes.txt"' });
    expect(file).toMatchObject({
      type: "file",
      fileId: uploaded["notes.txt"]?.fileId,
      filePath: "/search/notes.txt",
      fileType: "non-image",
      tags: ["docs"],
    });
  });

  it("lists folders only when the query names type", async () => {
    expect(await search('type = "folder"')).toEqual(["nested", "search"]);
    expect(await search('type IN ["file", "folder"] AND name : "n"')).toEqual([
      "nested",
      "notes.txt",
    ]);
    expect(await search('name : "n"')).toEqual(["notes.txt"]);
    const [folder] = await list({ searchQuery: 'type = "folder" AND name = "nested"' });
    expect(folder).toEqual({
      type: "folder",
      folderId: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: "nested",
      folderPath: "/search/nested",
      customMetadata: {},
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it("sort, skip and limit apply to the results", async () => {
    const query = 'tags IN ["sale", "docs"]';
    expect(await search(query, { sort: "DESC_NAME" })).toEqual([
      "red-dress-winter.jpg",
      "red-dress-summer.png",
      "notes.txt",
    ]);
    expect(await search(query, { skip: "1", limit: "1" })).toEqual(["red-dress-summer.png"]);
    expect(await search(query, { sort: "ASC_CREATED", limit: "1" })).toEqual([
      "red-dress-summer.png",
    ]);
    expect(await search(query, { sort: "DESC_SIZE", limit: "1" })).toEqual([
      "red-dress-winter.jpg",
    ]);
  });

  it("path and fileType still narrow it; tags and type have no effect", async () => {
    expect(await search('name : "blue"', { path: "/search/nested/" })).toEqual(["blue-shirt.png"]);
    expect(await search('name : "blue"', { path: "/search/" })).toEqual([]);
    expect(await search('tags IN ["sale", "docs"]', { fileType: "image" })).toEqual([
      "red-dress-summer.png",
      "red-dress-winter.jpg",
    ]);
    expect(await search('name : "red"', { tags: "docs", type: "folder" })).toEqual([
      "red-dress-summer.png",
      "red-dress-winter.jpg",
    ]);
  });

  it("a malformed query is a 400 naming what is wrong and where", async () => {
    const bad = async (searchQuery: string) =>
      api(emulator, `/v1/files?${new URLSearchParams({ searchQuery })}`);
    expect(await bad('colour = "red"')).toMatchObject({
      status: 400,
      body: {
        message:
          'Your request contains invalid syntax for the searchQuery parameter. Unknown field "colour" at position 0.',
        help: HELP,
      },
    });
    expect((await bad('name = "a" AND size >')).body.message).toMatch(
      /Expected a value at position 21\.$/,
    );
    expect((await bad('"customMetadata.colour" = "red"')).body.message).toMatch(
      /No custom metadata field named "colour" at position 0\.$/,
    );
  });
});

describe("GET /v1/files?type=...", () => {
  it("file (the default): files only", async () => {
    expect(await names({ path: "/search/", sort: "ASC_NAME" })).toEqual([
      "notes.txt",
      "red-dress-summer.png",
      "red-dress-winter.jpg",
    ]);
    expect(await names({ path: "/search/", type: "file", sort: "ASC_NAME" })).toHaveLength(3);
  });

  it("folder: the folders in path (all folders without one)", async () => {
    expect(await names({ type: "folder", sort: "ASC_NAME" })).toEqual(["nested", "search"]);
    expect(await names({ type: "folder", path: "/search/" })).toEqual(["nested"]);
    expect(await names({ type: "folder", path: "/search/nested/" })).toEqual([]);
  });

  it("all: files and folders, sorted and paged together", async () => {
    expect(await names({ type: "all", path: "/search/", sort: "ASC_NAME" })).toEqual([
      "nested",
      "notes.txt",
      "red-dress-summer.png",
      "red-dress-winter.jpg",
    ]);
    expect(
      await names({ type: "all", path: "/search/", sort: "DESC_NAME", skip: "2", limit: "1" }),
    ).toEqual(["notes.txt"]);
    // A folder has no size: first in ascending order, as SQL puts a missing value.
    expect(await names({ type: "all", path: "/search/", sort: "ASC_SIZE", limit: "1" })).toEqual([
      "nested",
    ]);
    // The 2020 upload created /search/ at its own moment: on a tie, files come first.
    expect(await names({ type: "all", sort: "ASC_CREATED", limit: "2" })).toEqual([
      "red-dress-summer.png",
      "search",
    ]);
  });

  it("another value is ImageKit's documented 400; file-version is not listed", async () => {
    expect(await api(emulator, "/v1/files?type=image")).toMatchObject({
      status: 400,
      body: {
        message:
          "Your request contains invalid value for type parameter. Please provide one of the following: file, file-version, folder, all.",
        help: HELP,
      },
    });
    expect(await api(emulator, "/v1/files?type=file-version")).toMatchObject({
      status: 400,
      body: { message: "The emulator does not list file versions (type=file-version)." },
    });
  });
});
