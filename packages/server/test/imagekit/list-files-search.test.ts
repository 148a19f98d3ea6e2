/**
 * `client.listFiles` with `searchQuery` and `type`, against the emulator: both go through as
 * ImageKit reads them, and the answer's type follows them (files, folders, or both).
 */
import type { FileDetails } from "@upkit/core";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { createImageKitClient } from "../../src/imagekit/create-imagekit-client";
import type {
  FolderDetails,
  ImageKitClient,
  ListedAsset,
} from "../../src/imagekit/imagekit-client-types";
import { expectUploadError, png, startEmulator, type TestEmulator } from "./support";

const FOLDER = "/search-tests/";

let emulator: TestEmulator;
let client: ImageKitClient;

async function store(fileName: string, folder: string, tags: string) {
  const body = new Blob([png(8, 6)], { type: "image/png" });
  return client.upload(
    { fileName, folder, tags, useUniqueFileName: "false" },
    { body, fileName, contentType: "image/png" },
  );
}

beforeAll(async () => {
  emulator = await startEmulator();
  client = createImageKitClient(emulator.config);
  await store("summer-dress.png", FOLDER, "sale,summer");
  await store("winter-coat.png", FOLDER, "sale");
  await store("logo.png", `${FOLDER}brand/`, "brand");
});
afterAll(() => emulator.dispose());

const namesOf = (assets: ListedAsset[]) => assets.map((asset) => asset.name);

describe("listFiles with searchQuery and type", () => {
  it("searchQuery filters, with path, sort, skip and limit", async () => {
    const sale = await client.listFiles({
      searchQuery: 'tags IN ["sale"] AND name : "winter"',
    });
    expect(namesOf(sale)).toEqual(["winter-coat.png"]);
    const inTree = await client.listFiles({
      searchQuery: `path : "${FOLDER}" AND createdAt > "1h"`,
      sort: "DESC_NAME",
    });
    expect(namesOf(inTree)).toEqual(["winter-coat.png", "summer-dress.png", "logo.png"]);
    const paged = await client.listFiles({
      searchQuery: 'tags IN ["sale", "brand"]',
      path: FOLDER,
      sort: "ASC_NAME",
      skip: 1,
      limit: 1,
    });
    expect(namesOf(paged)).toEqual(["winter-coat.png"]);
  });

  it("type: folder lists FolderDetails; all lists both; the default stays files", async () => {
    const folders = await client.listFiles({ type: "folder", path: FOLDER });
    expect(folders).toEqual([
      expect.objectContaining({ type: "folder", name: "brand", folderPath: "/search-tests/brand" }),
    ]);
    const all = await client.listFiles({ type: "all", path: FOLDER, sort: "ASC_NAME" });
    expect(all.map((asset) => ("folderId" in asset ? "folder" : "file"))).toEqual([
      "folder",
      "file",
      "file",
    ]);
    const files = await client.listFiles({ path: FOLDER, sort: "ASC_NAME" });
    expect(namesOf(files)).toEqual(["summer-dress.png", "winter-coat.png"]);
  });

  it("a search naming type returns folders too", async () => {
    const found = await client.listFiles({ searchQuery: 'type = "folder" AND name = "brand"' });
    expect(found).toEqual([expect.objectContaining({ folderPath: "/search-tests/brand" })]);
  });

  it("a malformed searchQuery is a bad-request UploadError with ImageKit's message", async () => {
    const error = await expectUploadError(
      client.listFiles({ searchQuery: 'colour = "red"' }),
      "bad-request",
    );
    expect(error.message).toBe(
      'Your request contains invalid syntax for the searchQuery parameter. Unknown field "colour" at position 0.',
    );
  });

  it("the result type follows type and searchQuery", () => {
    // Checked by the type checker only: never called, so no request goes out.
    const types = (list: ImageKitClient["listFiles"]) => {
      expectTypeOf(list({ path: FOLDER })).resolves.toEqualTypeOf<FileDetails[]>();
      expectTypeOf(list({ type: "file" })).resolves.toEqualTypeOf<FileDetails[]>();
      expectTypeOf(list({ type: "folder" })).resolves.toEqualTypeOf<FolderDetails[]>();
      expectTypeOf(list({ type: "all" })).resolves.toEqualTypeOf<ListedAsset[]>();
      expectTypeOf(list({ searchQuery: "size > 1" })).resolves.toEqualTypeOf<ListedAsset[]>();
    };
    expect(types).toBeTypeOf("function");
  });
});
