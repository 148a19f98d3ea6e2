import { createHmac } from "node:crypto";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { type DetailedError, Upload } from "tus-js-client";
import { afterAll, beforeAll, expect, it } from "vitest";
import { directUpload } from "../support/call";
import { PNG_1X1 } from "../support/emulator";
import { randomFile, sha256, tusMetadata, waitForResult } from "../tus/tus-kit";
import {
  type Answer,
  type Instance,
  type ScaleOutKit,
  type SendInit,
  slowPatch,
  startScaleOut,
  WEBHOOK_SECRET,
} from "./scale-out-kit";

/**
 * Redis (the instances' shared state) crashes mid-run and comes back on the same port with its
 * data (an append-only file, as the README asks of a production Redis). Meanwhile every request
 * that needs the state is a quick 503 JSON error on either instance, never a hang; the tus upload
 * in progress keeps exactly the bytes it acknowledged; afterwards the same requests succeed and
 * the upload completes byte-identical.
 */
const CHUNK = 256 * 1024;
/** "Within a couple of seconds": `redisState`'s timeout is 1 s per call. */
const FAIL_FAST_MS = 2_500;

// A lock left in Redis by a request that could not release it (Redis was down) frees after this.
const LOCK_TTL_MS = 3_000;

let kit: ScaleOutKit;

beforeAll(async () => {
  kit = await startScaleOut({ persistRedis: true, lockTtlMs: LOCK_TTL_MS });
}, 30_000);
afterAll(async () => {
  await kit?.close();
});

const png = () => new Blob([new Uint8Array(PNG_1X1)], { type: "image/png" });
const signBody = { files: [{ name: "pixel.png", size: PNG_1X1.length, type: "image/png" }] };

/** A webhook as ImageKit signs it (Standard Webhooks), to deliver during and after the outage. */
function webhook(id: string) {
  const body = JSON.stringify({
    id,
    type: "file.created",
    created_at: new Date().toISOString(),
    data: { fileId: "0123456789abcdef01234567" },
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = createHmac("sha256", Buffer.from(WEBHOOK_SECRET, "utf8"))
    .update(`${id}.${timestamp}.${body}`)
    .digest("base64");
  return {
    method: "POST",
    body,
    user: null,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": `v1,${signature}`,
    },
  };
}

const tusHeaders = { "tus-resumable": "1.0.0" };

it("Redis down: 503 JSON within seconds on both instances, the tus upload intact; back up: all succeed", async () => {
  // Before the outage: a direct upload signed and stored (its `complete` comes later), and a tus
  // upload four chunks in, cut when Redis dies just before its fifth PATCH.
  const signed = (await kit.send(kit.a, "/api/upload/gallery/sign", { json: signBody })).body
    .files[0];
  const stored = await directUpload(signed, png(), "pixel.png");
  expect(stored.status).toBe(200);
  const fileId = stored.body.fileId as string;

  const data = randomFile(2 * 1024 * 1024 + 7);
  const meta = { filename: "outage.bin", filetype: "application/octet-stream" };
  let acknowledged = 0;
  let stopped = false;
  const cut = await new Promise<{ url: string; error: DetailedError }>((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint: `${kit.a.base}/files/tus`,
      chunkSize: CHUNK,
      retryDelays: [],
      headers: { "x-user": "ada" },
      metadata: meta,
      onChunkComplete: (_size, accepted) => {
        acknowledged = accepted;
      },
      onBeforeRequest: async (request) => {
        if (request.getMethod() !== "PATCH" || acknowledged < 4 * CHUNK || stopped) return;
        stopped = true;
        await kit.redis.stop();
      },
      onError: (error) => resolve({ url: upload.url as string, error: error as DetailedError }),
      onSuccess: () => reject(new Error("the upload was meant to be cut off")),
    });
    upload.start();
  });
  expect(acknowledged).toBe(4 * CHUNK);
  const id = new URL(cut.url).pathname.split("/").pop() as string;
  const path = new URL(cut.url).pathname;
  const cutPatch = cut.error.originalResponse;
  console.info("the PATCH sent as Redis died:", cutPatch?.getStatus(), cutPatch?.getBody());

  // Every request that needs the state, on both instances, all at once.
  const createTus: SendInit = {
    method: "POST",
    headers: {
      ...tusHeaders,
      "upload-length": "10",
      "upload-metadata": tusMetadata({ filename: "late.bin", filetype: "text/plain" }),
    },
  };
  const duringOutage: Record<string, [Instance, string, SendInit]> = {
    "sign on A": [kit.a, "/api/upload/gallery/sign", { json: signBody }],
    "sign on B": [kit.b, "/api/upload/gallery/sign", { json: signBody }],
    "complete on B": [
      kit.b,
      "/api/upload/gallery/complete",
      { json: { fileId, completionToken: signed.completionToken } },
    ],
    "status on A": [kit.a, `/api/upload/gallery/status?fileId=${fileId}`, {}],
    "webhook on B": [kit.b, "/api/upload/webhook", webhook("msg_outage")],
    "tus create on A": [kit.a, "/api/upload/files/tus", createTus],
    "tus PATCH on B": [
      kit.b,
      path,
      {
        method: "PATCH",
        headers: {
          ...tusHeaders,
          "upload-offset": String(acknowledged),
          "content-type": "application/offset+octet-stream",
        },
        body: new Uint8Array(data.subarray(acknowledged, acknowledged + CHUNK)),
      },
    ],
    "tus HEAD on A": [kit.a, path, { method: "HEAD", headers: tusHeaders }],
    "tus result on B": [kit.b, `${path}/result`, {}],
  };
  const answers = await Promise.all(
    Object.entries(duringOutage).map(async ([name, [instance, route, init]]) => ({
      name,
      answer: await kit.send(instance, route, init),
    })),
  );
  console.info(
    "answers while Redis is down:",
    Object.fromEntries(
      answers.map(({ name, answer: a }) => [
        name,
        `${a.status} in ${Math.round(a.ms)} ms: ${a.text.slice(0, 160)}`,
      ]),
    ),
  );
  // A HEAD answer has no body to carry the code.
  const seen = ({ name, answer }: (typeof answers)[number]) => ({
    status: answer.status,
    json:
      /^application\/json/.test(answer.headers.get("content-type") ?? "") || name.includes("HEAD"),
    code: name.includes("HEAD") ? "-" : answer.body?.error?.code,
    message: name.includes("HEAD") ? "-" : typeof answer.body?.error?.message,
    fast: answer.ms < FAIL_FAST_MS,
    "names Redis": /Redis|ECONNREFUSED/.test(answer.text),
  });
  const wanted = ({ name }: (typeof answers)[number]) => ({
    status: 503,
    json: true,
    code: name.includes("HEAD") ? "-" : "service-unavailable",
    message: name.includes("HEAD") ? "-" : "string",
    fast: true,
    "names Redis": false,
  });
  // One assertion for all, so that a failure shows every answer; soft, so that the recovery
  // below is checked whatever they were.
  expect
    .soft(Object.fromEntries(answers.map((a) => [a.name, seen(a)])))
    .toEqual(Object.fromEntries(answers.map((a) => [a.name, wanted(a)])));
  expect.soft(cutPatch?.getStatus(), "the PATCH cut by the outage").toBe(503);
  // The upload kept exactly what it acknowledged: nothing of the refused PATCHes was written.
  expect((await stat(join(kit.directory, id))).size).toBe(acknowledged);

  console.info(
    "reported to onError during the outage:",
    kit.events("error").map((e) => `${e.instance}: ${e.name}: ${e.message}`),
  );

  // Redis comes back on the same port, with its data.
  await kit.redis.start();
  const back = performance.now();
  for (const instance of [kit.a, kit.b]) {
    await until(
      async () =>
        (await kit.send(instance, "/api/upload/gallery/sign", { json: signBody })).status === 200,
    );
  }
  console.info("both instances served again after ms:", Math.round(performance.now() - back));

  const completed = await kit.send(kit.b, "/api/upload/gallery/complete", {
    json: { fileId, completionToken: signed.completionToken },
  });
  expect(completed.status, completed.text).toBe(200);
  expect(completed.body.data).toEqual({ owner: "ada", completedBy: "B" });
  expect(kit.events("complete").filter((e) => e.fileId === fileId)).toHaveLength(1);
  const status = await kit.send(kit.a, `/api/upload/gallery/status?fileId=${fileId}`);
  expect(status.status, status.text).toBe(200);
  // The delivery refused during the outage was not recorded: now it runs, once.
  const delivered = await kit.send(kit.b, "/api/upload/webhook", webhook("msg_outage"));
  expect(delivered.status, delivered.text).toBe(200);
  expect(delivered.body).toEqual({ received: true });
  expect(kit.events("webhook").filter((e) => e.id === "msg_outage")).toHaveLength(1);
  const created = await kit.send(kit.a, "/api/upload/files/tus", createTus);
  expect(created.status, created.text).toBe(201);

  // The tus upload resumes, on B, from what it had acknowledged, and ends byte-identical.
  const head = await kit.send(kit.a, path, { method: "HEAD", headers: tusHeaders });
  expect(head.status).toBe(200);
  expect(Number(head.headers.get("upload-offset"))).toBe(acknowledged);
  let resumedFrom: number | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint: `${kit.b.base}/files/tus`,
      uploadUrl: `${kit.b.origin}${path}`,
      chunkSize: CHUNK,
      retryDelays: [],
      headers: { "x-user": "ada" },
      metadata: meta,
      onBeforeRequest: (request) => {
        if (request.getMethod() === "PATCH") {
          resumedFrom ??= Number(request.getHeader("Upload-Offset"));
        }
      },
      onError: reject,
      onSuccess: () => resolve(upload.url as string),
    });
    upload.start();
  });
  expect(resumedFrom).toBe(acknowledged);
  const result = await waitForResult(url);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  const file = Buffer.from(await (await fetch(result.body.file.url)).arrayBuffer());
  expect(sha256(file)).toBe(sha256(data));
}, 45_000);

it("Redis dies under a PATCH being written: the upload keeps what it stored and resumes byte-identical", async () => {
  const data = randomFile(2 * 1024 * 1024 + 99);
  const created = await kit.send(kit.a, "/api/upload/files/tus", {
    method: "POST",
    headers: {
      ...tusHeaders,
      "upload-length": String(data.length),
      "upload-metadata": tusMetadata({
        filename: "in-flight.bin",
        filetype: "application/octet-stream",
      }),
    },
  });
  expect(created.status, created.text).toBe(201);
  const path = created.headers.get("location") as string;
  const file = join(kit.directory, path.split("/").pop() as string);

  // A 1 MiB chunk trickling into A; once A is writing it (holding the lock), Redis dies.
  const inFlight = slowPatch(kit.a, `${kit.a.origin}${path}`, 0, data.subarray(0, 1024 * 1024));
  await until(async () => (await stat(file)).size > 0);
  await kit.redis.stop();
  const answer = await inFlight;
  console.info("the PATCH under way when Redis died:", answer);
  const onDisk = (await stat(file)).size;
  // Whatever it answered, the file holds a prefix of the chunk, and a 204 names exactly it.
  expect(onDisk).toBeGreaterThan(0);
  expect(onDisk).toBeLessThanOrEqual(1024 * 1024);
  if (answer.status === 204) expect(Number(answer.offset)).toBe(onDisk);

  await kit.redis.start();
  // B finds the upload where it is on disk (its lock, never released, expires by its TTL).
  const resumedAt = performance.now();
  let head: Answer | undefined;
  await until(async () => {
    head = await kit.send(kit.b, path, { method: "HEAD", headers: tusHeaders });
    return head.status === 200;
  });
  console.info(
    "HEAD on B answered after Redis restarted, ms:",
    Math.round(performance.now() - resumedAt),
  );
  expect(Number(head?.headers.get("upload-offset"))).toBe(onDisk);

  const url = await new Promise<string>((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint: `${kit.b.base}/files/tus`,
      uploadUrl: `${kit.b.origin}${path}`,
      chunkSize: CHUNK,
      retryDelays: [],
      headers: { "x-user": "ada" },
      onError: reject,
      onSuccess: () => resolve(upload.url as string),
    });
    upload.start();
  });
  const result = await waitForResult(url);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  const stored = Buffer.from(await (await fetch(result.body.file.url)).arrayBuffer());
  expect(sha256(stored)).toBe(sha256(data));
}, 30_000);

/** Polls `check` every 50 ms until it holds; fails after 10 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error("not back within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
