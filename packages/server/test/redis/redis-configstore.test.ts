import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FileStore } from "@tus/file-store";
import { ERRORS, Server, Upload } from "@tus/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type RedisState, redisState } from "../../src/redis/redis-state";
import { startRedisServer, type TestRedisServer } from "../support/redis-server";

/** Two instances = two `redisState`s (own connections) and two `FileStore`s on one directory. */
let server: TestRedisServer;
let directory: string;
const states: RedisState[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  directory = await mkdtemp(join(tmpdir(), "upkit-redis-configstore-"));
});
afterAll(async () => {
  await Promise.all(states.map((state) => state.close()));
  await server?.dispose();
  if (directory) await rm(directory, { recursive: true, force: true });
});

function twoInstances() {
  const keyPrefix = `configstore-test:${randomUUID()}:`;
  return [0, 1].map(() => {
    const state = redisState({ url: server.url, keyPrefix });
    states.push(state);
    return { state, store: new FileStore({ directory, configstore: state.tusConfigstore }) };
  }) as [{ state: RedisState; store: FileStore }, { state: RedisState; store: FileStore }];
}

const newUpload = (size: number) =>
  new Upload({
    id: randomUUID().replaceAll("-", ""),
    size,
    offset: 0,
    metadata: { filename: "clip.mp4", filetype: "video/mp4" },
    creation_date: new Date().toISOString(),
  });

it("keeps an upload's metadata in Redis: get, set, delete and list by id", async () => {
  const [{ state }] = twoInstances();
  const configstore = state.tusConfigstore;
  const upload = newUpload(10);
  expect(await configstore.get(upload.id)).toBeUndefined();
  await configstore.set(upload.id, upload);
  expect(await configstore.get(upload.id)).toEqual(JSON.parse(JSON.stringify(upload)));
  expect(await configstore.list()).toEqual([upload.id]);
  await configstore.delete(upload.id);
  expect(await configstore.get(upload.id)).toBeUndefined();
  expect(await configstore.list()).toEqual([]);
});

it("lists many uploads by SCAN, ids only, and only its own prefix", async () => {
  const [{ state }] = twoInstances();
  const [{ state: elsewhere }] = twoInstances();
  const ids = Array.from({ length: 450 }, (_, i) => `upload${i}`);
  await Promise.all(ids.map((id) => state.tusConfigstore.set(id, newUpload(1))));
  await elsewhere.tusConfigstore.set("not-mine", newUpload(1));
  const listed = await state.tusConfigstore.list();
  expect(listed.sort()).toEqual([...ids].sort());
  // The handler's own keys under the same prefix are not uploads.
  await state.set("upkit:tus-result:x", "{}", 10_000);
  expect(await state.tusConfigstore.list()).toHaveLength(450);
});

it("shares uploads between two FileStores on one directory", async () => {
  const [one, two] = twoInstances();
  const upload = newUpload(11);
  await one.store.create(upload);
  expect(await one.state.tusConfigstore.list()).toEqual([upload.id]);

  // The other instance sees it, writes to it, and the first sees the bytes.
  const seen = await two.store.getUpload(upload.id);
  expect(seen).toMatchObject({ id: upload.id, size: 11, offset: 0 });
  expect(seen.metadata).toEqual(upload.metadata);
  expect(await two.store.write(Readable.from([Buffer.from("hello ")]), upload.id, 0)).toBe(6);
  expect((await one.store.getUpload(upload.id)).offset).toBe(6);
  await one.store.write(Readable.from([Buffer.from("world")]), upload.id, 6);
  expect((await two.store.getUpload(upload.id)).offset).toBe(11);

  await two.store.declareUploadLength(upload.id, 11);
  await one.store.remove(upload.id);
  await expect(two.store.getUpload(upload.id)).rejects.toBe(ERRORS.FILE_NOT_FOUND);
  expect(await two.state.tusConfigstore.list()).toEqual([]);
});

it("serves one upload from two tus servers: created on one, sent to the other", async () => {
  const [one, two] = twoInstances();
  const serve = ({ state, store }: { state: RedisState; store: FileStore }) =>
    new Server({
      path: "/files",
      datastore: store,
      locker: state.tusLocker,
      lockDrainTimeout: 200,
    });
  const [a, b] = [serve(one), serve(two)];
  const tus = { "Tus-Resumable": "1.0.0" };

  const created = await a.handleWeb(
    new Request("http://a/files", { method: "POST", headers: { ...tus, "Upload-Length": "10" } }),
  );
  expect(created.status).toBe(201);
  const url = `http://b${created.headers.get("Location")}`;

  // A PATCH on b that stalls after 4 bytes holds the upload's lock on b...
  let push: ReadableStreamDefaultController<Uint8Array> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = controller;
      controller.enqueue(new TextEncoder().encode("0123"));
    },
  });
  const stalled = b.handleWeb(
    new Request(url, {
      method: "PATCH",
      headers: { ...tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      body,
      duplex: "half",
    } as RequestInit),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));

  // ...so a HEAD on a asks b to release (pub/sub), b ends its PATCH, and a answers.
  const start = performance.now();
  const head = await a.handleWeb(
    new Request(url.replace("//b", "//a"), { method: "HEAD", headers: tus }),
  );
  console.info("tus HEAD on a while b held the lock, ms:", Math.round(performance.now() - start));
  expect(head.status).toBe(200);
  expect(head.headers.get("Upload-Offset")).toBe("4");
  await stalled;
  push?.close();

  const rest = await b.handleWeb(
    new Request(url, {
      method: "PATCH",
      headers: { ...tus, "Upload-Offset": "4", "Content-Type": "application/offset+octet-stream" },
      body: "456789",
    }),
  );
  expect(rest.status).toBe(204);
  expect(rest.headers.get("Upload-Offset")).toBe("10");
});
