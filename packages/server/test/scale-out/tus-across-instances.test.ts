import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Upload, type UploadOptions } from "tus-js-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { randomFile, sha256, tusFetch, tusMetadata, waitForResult } from "../tus/tus-kit";
import { type Instance, type ScaleOutKit, slowPatch, startScaleOut } from "./scale-out-kit";

/**
 * One tus upload served by two instances (separate processes) that share Redis (lock, upload
 * metadata, result) and the tus directory: requests alternate between them, two race on one
 * offset, and one dies mid-request. The bytes ImageKit (the emulator) stores are the file's.
 */
const CHUNK = 256 * 1024;
// A lock whose holder was killed frees after this: 3 s instead of the default 10 s, for time.
const LOCK_TTL_MS = 3_000;

let kit: ScaleOutKit;

beforeAll(async () => {
  kit = await startScaleOut({ lockTtlMs: LOCK_TTL_MS });
}, 30_000);
afterAll(async () => {
  await kit?.close();
});

const metadata = (filename: string) => ({ filename, filetype: "application/octet-stream" });

/** Runs tus-js-client to the end; resolves with the upload's URL. */
function upload(data: Buffer, options: Partial<UploadOptions>): Promise<string> {
  return new Promise((resolve, reject) => {
    const tus = new Upload(data, {
      chunkSize: CHUNK,
      retryDelays: [],
      headers: { "x-user": "ada" },
      ...options,
      onError: reject,
      onSuccess: () => resolve(tus.url as string),
    });
    tus.start();
  });
}

/** The file ImageKit stored for a finished upload, checked against `data`. */
async function expectStoredAs(uploadUrl: string, data: Buffer) {
  const result = await waitForResult(uploadUrl);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  expect(result.body.file.size).toBe(data.length);
  const stored = Buffer.from(await (await fetch(result.body.file.url)).arrayBuffer());
  expect(sha256(stored)).toBe(sha256(data));
  // onUploadComplete ran once, on one instance, for this file.
  const runs = kit.events("complete").filter((e) => e.fileId === result.body.file.fileId);
  expect(runs).toHaveLength(1);
  return { result, ranOn: runs[0]?.instance };
}

/** The same upload on another instance: the path stays, the origin changes. */
const on = (instance: Instance, uploadUrl: string) =>
  `${instance.origin}${new URL(uploadUrl).pathname}`;

it("completes an upload whose requests alternate between the instances, byte-identical", async () => {
  const data = randomFile(6 * 1024 * 1024);
  const balancer = await kit.balancer();
  const url = await upload(data, {
    endpoint: `${balancer.base}/files/tus`,
    metadata: metadata("alternating.bin"),
  });
  const { ranOn } = await expectStoredAs(url, data);

  const tusRequests = balancer.log.filter(
    (r) => r.path.includes("/tus") && !r.path.endsWith("/result"),
  );
  const patches = tusRequests.filter((r) => r.method === "PATCH");
  expect(tusRequests[0]).toMatchObject({ method: "POST", status: 201 });
  expect(patches).toHaveLength(data.length / CHUNK);
  expect(patches.every((r) => r.status === 204)).toBe(true);
  // Strictly alternating: each chunk's lock and offset were handed over to the other process.
  for (let i = 1; i < patches.length; i++) {
    expect(patches[i]?.instance, `PATCH ${i}`).not.toBe(patches[i - 1]?.instance);
  }
  expect(patches.filter((r) => r.instance === "A")).toHaveLength(patches.length / 2);
  // The instance that received the last byte forwarded it and ran onUploadComplete.
  expect(ranOn).toBe(patches.at(-1)?.instance);
  // Finished and forwarded: nothing is left in the shared directory.
  expect(
    await stat(join(kit.directory, new URL(url).pathname.split("/").pop() ?? "")).catch(() => null),
  ).toBeNull();
});

it("two PATCHes at one offset on A and B at once: one writes, the other is refused; no corruption", async () => {
  const data = randomFile(3 * 1024 * 1024 + 321);
  const created = await tusFetch(`${kit.a.base}/files/tus`, {
    method: "POST",
    headers: {
      "upload-length": String(data.length),
      "upload-metadata": tusMetadata(metadata("raced.bin")),
    },
  });
  expect(created.status, await created.text()).toBe(201);
  const url = `${kit.a.origin}${created.headers.get("location")}`;
  // One chunk first, through B, so that the race is not at offset 0.
  const first = await tusFetch(on(kit.b, url), {
    method: "PATCH",
    headers: { "upload-offset": "0", "content-type": "application/offset+octet-stream" },
    body: new Uint8Array(data.subarray(0, CHUNK)),
  });
  expect(first.status).toBe(204);

  // The same chunk (a client that retried on another instance), sent to both at once.
  const chunk = data.subarray(CHUNK, CHUNK + 1024 * 1024);
  const answers = await Promise.all([
    slowPatch(kit.a, url, CHUNK, chunk),
    slowPatch(kit.b, url, CHUNK, chunk),
  ]);
  console.info(
    "racing PATCHes:",
    answers.map(({ text: _, ...a }) => a),
  );
  const written = answers.filter((a) => a.status === 204);
  const refused = answers.filter((a) => a.status !== 204);
  // One wrote the whole chunk; the other waited for the lock and found the offset moved (409),
  // or was told the upload is locked (423).
  expect(written).toHaveLength(1);
  expect(Number(written[0]?.offset)).toBe(CHUNK + chunk.length);
  expect(refused).toHaveLength(1);
  expect([409, 423]).toContain(refused[0]?.status);

  const head = await tusFetch(on(kit.b, url), { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(Number(head.headers.get("upload-offset"))).toBe(CHUNK + chunk.length);
  // The shared file holds exactly the bytes acknowledged: nothing written twice or past them.
  const id = new URL(url).pathname.split("/").pop() as string;
  expect((await stat(join(kit.directory, id))).size).toBe(CHUNK + chunk.length);

  // Finishing it (on A, from the offset HEAD gives) stores the file unchanged.
  const finished = await upload(data, {
    endpoint: `${kit.a.base}/files/tus`,
    uploadUrl: url,
    metadata: metadata("raced.bin"),
  });
  expect(finished).toBe(url);
  await expectStoredAs(url, data);
});

it("resumes on B an upload whose instance A was killed (SIGKILL) mid-PATCH, byte-identical", async () => {
  const data = randomFile(3 * 1024 * 1024 + 123);
  let acknowledged = 0;
  let killedAt: number | undefined;
  let resumedFrom: number | undefined;
  let resumedAt: number | undefined;
  let killedAfter = 0;
  // A first while it lives, then B: the upload starts on A and must finish on B.
  const balancer = await kit.balancer({
    pick: (live) => live[0] as Instance,
    onBody: async (request, forwarded) => {
      if (killedAt !== undefined || request.method !== "PATCH" || request.instance !== "A") return;
      if (acknowledged < 4 * CHUNK || forwarded < CHUNK / 2) return;
      // Half of the fifth chunk is on its way to A. Once A has written some of it, A holds the
      // upload's lock in Redis (tus takes it before writing): then it dies.
      const file = join(kit.directory, request.path.split("/").pop() ?? "");
      await until(async () => (await stat(file)).size > acknowledged);
      killedAt = performance.now();
      killedAfter = acknowledged + forwarded;
      await kit.a.kill();
    },
  });
  const url = await upload(data, {
    endpoint: `${balancer.base}/files/tus`,
    metadata: metadata("killed.bin"),
    retryDelays: [100, 500, 1000, 2000, 4000],
    onChunkComplete: (_size, accepted) => {
      acknowledged = accepted;
    },
    onBeforeRequest: (request) => {
      if (killedAt !== undefined && request.getMethod() === "PATCH" && resumedAt === undefined) {
        resumedAt = performance.now();
        resumedFrom = Number(request.getHeader("Upload-Offset"));
      }
    },
  });
  expect(killedAt).toBeDefined();
  const resumedAfter = (resumedAt ?? 0) - (killedAt ?? 0);
  console.info(
    "killed A mid-PATCH holding the lock; B's PATCH resumed after ms:",
    Math.round(resumedAfter),
  );
  // B waited for the dead holder's lock to expire (its TTL), not for acquireLockTimeoutMs.
  expect(resumedAfter).toBeLessThan(LOCK_TTL_MS + 3_000);
  // The cut PATCH answered 502; everything after it went to B.
  const cut = balancer.log.findIndex((r) => r.instance === "A" && r.status === 502);
  expect(cut).toBeGreaterThan(0);
  expect(balancer.log.slice(cut + 1).every((r) => r.instance === "B")).toBe(true);
  // B resumed from what A had stored before it died: more than the acknowledged chunks (part
  // of the cut one), at most what reached A.
  expect(resumedFrom).toBeGreaterThan(4 * CHUNK);
  expect(resumedFrom).toBeLessThanOrEqual(killedAfter);
  const { ranOn } = await expectStoredAs(url, data);
  expect(ranOn).toBe("B");
}, 30_000);

/** Polls `check` every 5 ms until it holds (a throw counts as not yet); fails after 5 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error("condition not met within 5 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
