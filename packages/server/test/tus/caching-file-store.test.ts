import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FileStore } from "@tus/file-store";
import { Upload } from "@tus/server";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { CachingFileStore } from "../../src/tus/caching-file-store";

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), "upkit-caching-store-"));
});
afterEach(() => rm(directory, { recursive: true, force: true }));

const metadata = { owner: "owner-key", profile: "files", filename: "notes.txt" };

async function created(store: FileStore, id = "upload1", size = 10): Promise<Upload> {
  return store.create(
    new Upload({ id, size, offset: 0, metadata, creation_date: new Date().toISOString() }),
  );
}

it("reads an upload's metadata file once, and its offset from the data file every time", async () => {
  const store = new CachingFileStore({ directory });
  await created(store);
  const get = vi.spyOn(store.configstore, "get");
  await store.write(Readable.from([Buffer.from("01234")]), "upload1", 0);
  const first = await store.getUpload("upload1");
  // Another instance on the same directory writes more: the offset follows the file.
  await new FileStore({ directory }).write(Readable.from([Buffer.from("567")]), "upload1", 5);
  const second = await store.getUpload("upload1");
  expect(get).not.toHaveBeenCalled();
  expect([first.offset, second.offset]).toEqual([5, 8]);
  expect(second).toMatchObject({ id: "upload1", size: 10, metadata });
  expect(second.storage?.path).toBe(join(directory, "upload1"));
});

it("answers an upload that another instance removed as FileStore does (404), then forgets it", async () => {
  const store = new CachingFileStore({ directory });
  await created(store);
  await store.getUpload("upload1");
  await new FileStore({ directory }).remove("upload1");
  await expect(store.getUpload("upload1")).rejects.toMatchObject({ status_code: 404 });
  // Its metadata back without its file (a removal half done) is FileStore's 410.
  await writeFile(join(directory, "upload1.json"), JSON.stringify({ id: "upload1", size: 10 }));
  await expect(store.getUpload("upload1")).rejects.toMatchObject({ status_code: 410 });
});

it("forgets an upload it removes, and keeps metadata apart from what callers change", async () => {
  const store = new CachingFileStore({ directory });
  await created(store);
  const upload = await store.getUpload("upload1");
  (upload.metadata as Record<string, string>).owner = "someone else";
  expect((await store.getUpload("upload1")).metadata?.owner).toBe("owner-key");
  await store.remove("upload1");
  await expect(stat(join(directory, "upload1"))).rejects.toMatchObject({ code: "ENOENT" });
  await expect(store.getUpload("upload1")).rejects.toMatchObject({ status_code: 404 });
});

it("learns an upload created by another instance from its metadata file", async () => {
  const store = new CachingFileStore({ directory });
  await created(new FileStore({ directory }), "elsewhere", 4);
  const upload = await store.getUpload("elsewhere");
  expect(upload).toMatchObject({ id: "elsewhere", size: 4, offset: 0, metadata });
  expect(JSON.parse(await readFile(join(directory, "elsewhere.json"), "utf8")).size).toBe(4);
});

it("knows an upload's metadata without the disk once it has read or created it, until it removes it", async () => {
  const store = new CachingFileStore({ directory });
  await created(new FileStore({ directory }), "elsewhere", 4);
  expect(store.knownMetadata("elsewhere")).toBeUndefined();
  await store.getUpload("elsewhere");
  expect(store.knownMetadata("elsewhere")).toEqual(metadata);
  await created(store);
  expect(store.knownMetadata("upload1")).toEqual(metadata);
  await store.remove("upload1");
  expect(store.knownMetadata("upload1")).toBeUndefined();
});
