import { Readable } from "node:stream";
import { FileStore } from "@tus/file-store";
import { Upload } from "@tus/server";
import { afterEach, expect, it } from "vitest";
import { randomFile, startTusKit, type TusKit, tusUpload } from "./tus-kit";

let kit: TusKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("removes a finished upload that no forward holds once it expires", async () => {
  kit = await startTusKit({ expiresIn: 1 });
  // What a forward that died leaves behind: all the bytes, and no one sending them on.
  const store = new FileStore({ directory: kit.directory });
  const data = randomFile(1000);
  const upload = new Upload({
    id: "left-behind",
    size: data.length,
    offset: 0,
    metadata: { filename: "left.bin", filetype: "application/octet-stream", profile: "files" },
    creation_date: new Date().toISOString(),
  });
  await store.create(upload);
  await store.write(Readable.from([data]), upload.id, 0);

  expect(await kit.uploads.cleanUpExpiredUploads()).toBe(0);
  expect(await kit.storedFiles()).toHaveLength(2);
  await wait(1200);
  expect(await kit.uploads.cleanUpExpiredUploads()).toBe(1);
  expect(await kit.storedFiles()).toEqual([]);
});

it("keeps a finished upload past its expiry while its forward runs", async () => {
  kit = await startTusKit({ expiresIn: 1 });
  // ImageKit never answers: the forward is still running when the sweep comes.
  await fetch(`${kit.emulator.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "/api/v1/files/upload", times: 1, fault: { stall: true } }),
  });
  const { url } = await tusUpload(`${kit.base}/files/tus`, randomFile(1000), {
    metadata: { filename: "slow.bin", filetype: "application/octet-stream" },
  });
  await wait(1200);
  const during = await fetch(`${url}/result`, { headers: { "x-user": "ada" } });
  expect(during.status).toBe(202);
  expect(await kit.uploads.cleanUpExpiredUploads()).toBe(0);
  expect(await kit.storedFiles()).toHaveLength(2);
});
