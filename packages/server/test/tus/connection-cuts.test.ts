import { randomInt } from "node:crypto";
import type { HttpRequest, HttpResponse } from "tus-js-client";
import { afterEach, beforeEach, expect, it } from "vitest";
import { between, type CuttingProxy, seededRandom, startCuttingProxy } from "./cutting-proxy";
import { randomFile, sha256, startTusKit, type TusKit, tusUpload, waitForResult } from "./tus-kit";

/*
 * A real tus-js-client upload through a TCP proxy that cuts connections at random bytes, to the
 * handler on a real socket with the emulator behind it. The cut points come from a seeded PRNG:
 * a failure prints its seed, and `UPKIT_CUT_SEED=<seed>` replays the same cuts.
 */

const KiB = 1024;
const MiB = 1024 * KiB;
/** Under the kit's `files` limit (20 MB), and not a whole number of chunks. */
const SIZE = 19 * MiB - 12_345;
const METADATA = { filename: "cut.bin", filetype: "application/octet-stream" };
/** Short, and enough of them: each resumed chunk starts the count again. */
const RETRY_DELAYS = [0, 20, 50, 100, 200, 400];

const SEED = Number(process.env.UPKIT_CUT_SEED ?? randomInt(2 ** 31));
console.info(`connection-cuts: seed ${SEED} (replay with UPKIT_CUT_SEED=${SEED})`);
const seeded = (what: string) => `${what} (seed ${SEED})`;

let kit: TusKit;
let proxy: CuttingProxy;
/**
 * What tus-js-client sent: its creations, each PATCH with its offset and length, and what each
 * HEAD (asking where the upload stands, after a cut) was answered.
 */
let sent: {
  posts: number;
  heads: { status: number; offset: string | undefined; length: string | undefined }[];
  patches: { offset: number; length: number }[];
};

beforeEach(async () => {
  kit = await startTusKit();
  proxy = await startCuttingProxy(Number(new URL(kit.base).port));
  sent = { posts: 0, heads: [], patches: [] };
});
afterEach(async () => {
  await proxy?.close();
  await kit?.close();
});

/** The kit's endpoint, through the proxy. */
const endpoint = () => `${proxy.origin}${new URL(kit.base).pathname}/files/tus`;

/** Counts the requests tus-js-client sends; returns the PATCH's offset and body length. */
function record(request: HttpRequest, chunkSize: number) {
  const method = request.getMethod();
  if (method === "POST") sent.posts++;
  if (method !== "PATCH") return undefined;
  const offset = Number(request.getHeader("Upload-Offset"));
  const patch = { offset, length: Math.min(chunkSize, SIZE - offset) };
  sent.patches.push(patch);
  return patch;
}

/** Records what a HEAD was answered (`onAfterResponse`). */
function recordAnswer(request: HttpRequest, response: HttpResponse) {
  if (request.getMethod() !== "HEAD") return;
  sent.heads.push({
    status: response.getStatus(),
    offset: response.getHeader("Upload-Offset"),
    length: response.getHeader("Upload-Length"),
  });
}

/** What the user checks at the end: the one file in ImageKit is the file sent, and no leftovers. */
async function expectStoredOnce(uploadUrl: string, data: Buffer) {
  const result = await waitForResult(uploadUrl);
  expect(result.status, seeded(JSON.stringify(result.body))).toBe(200);
  expect(result.body.file.size, seeded("size in ImageKit")).toBe(SIZE);
  const stored = Buffer.from(await (await fetch(result.body.file.url)).arrayBuffer());
  expect(stored.length, seeded("bytes stored")).toBe(SIZE);
  expect(sha256(stored), seeded("sha256 of the stored file")).toBe(sha256(data));
  expect(await kit.imagekitFiles(), seeded("files in ImageKit")).toBe(1);
  expect(await kit.storedFiles(), seeded("the tus store")).toEqual([]);
  expect(sent.posts, seeded("uploads created")).toBe(1);
}

it("finishes an upload whose connections are cut at random bytes, storing it once, intact", async () => {
  const random = seededRandom(SEED);
  const chunkSize = between(random, 1 * MiB, 4 * MiB);
  const data = randomFile(SIZE);
  // Each cut comes 256 KiB to 5 MiB of request bytes after the one before: the first three fall
  // within 15 MiB, so before the 19 MiB are through. Five at most, so the upload can end.
  const arm = () => proxy.cutAfter(between(random, 256 * KiB, 5 * MiB), "up", "random");
  const cuts = proxy.cuts;
  arm();
  const { url } = await tusUpload(endpoint(), data, {
    chunkSize,
    retryDelays: RETRY_DELAYS,
    metadata: METADATA,
    onBeforeRequest: (request) => {
      record(request, chunkSize);
    },
    onAfterResponse: (request, response) => {
      recordAnswer(request, response);
      if (!proxy.armed() && cuts.length < 5) arm();
    },
  });
  proxy.disarm();

  expect(cuts.length, seeded(`cuts (chunks of ${chunkSize} bytes)`)).toBeGreaterThanOrEqual(3);
  // After each cut tus-js-client asked where the upload stood and went on from there: the
  // offsets it sent never went back (nothing the server had taken was lost).
  expect(sent.heads.length, seeded("HEADs (one per resume)")).toBeGreaterThanOrEqual(cuts.length);
  expect(
    sent.heads.filter((head) => head.status !== 200),
    seeded("HEADs not 200"),
  ).toEqual([]);
  const offsets = sent.patches.map((patch) => patch.offset);
  expect(offsets, seeded("PATCH offsets")).toEqual([...offsets].sort((a, b) => a - b));
  await expectStoredOnce(url, data);
}, 20_000);

it("finishes when the final PATCH and the result polling are cut", async () => {
  const random = seededRandom(SEED + 1);
  const chunkSize = between(random, 1 * MiB, 4 * MiB);
  const data = randomFile(SIZE);
  // ImageKit takes its time: the result route answers 202 for a while, and the upload is still in
  // the store when tus-js-client comes back after losing the final PATCH's answer.
  await kit.emulator.api("/_emulator/faults", {
    method: "POST",
    body: JSON.stringify({ path: "/api/v1/files/upload", times: 1, fault: { latencyMs: 1500 } }),
  });
  let finals = 0;
  const { url } = await tusUpload(endpoint(), data, {
    chunkSize,
    retryDelays: RETRY_DELAYS,
    metadata: METADATA,
    onBeforeRequest: (request) => {
      const patch = record(request, chunkSize);
      if (!patch || patch.offset + patch.length < SIZE) return;
      finals++;
      // First the request breaks off inside its body (the head is under 1 KiB), then the next
      // one arrives whole but its answer is lost.
      if (finals === 1) proxy.cutAfter(between(random, KiB, patch.length), "up", "final PATCH");
      if (finals === 2) proxy.cutAfter(0, "down", "final PATCH's answer");
    },
    onAfterResponse: recordAnswer,
  });
  expect(proxy.cuts.map((cut) => cut.label)).toEqual(["final PATCH", "final PATCH's answer"]);
  // After the lost answer a HEAD found every byte there: no third final PATCH.
  expect(finals, seeded("final PATCHes")).toBe(2);
  expect(sent.heads.at(-1), seeded("the last HEAD")).toEqual({
    status: 200,
    offset: String(SIZE),
    length: String(SIZE),
  });

  // The browser polls the result; every poll is cut inside the answer's head (13 bytes and more
  // show the status line) until one of the cut answers was the finished 200.
  const pollCuts: string[] = [];
  for (let attempt = 0; attempt < 200 && !pollCuts.includes("200"); attempt++) {
    proxy.cutAfter(between(random, 13, 150), "down", "result poll");
    const answer = await fetch(`${url}/result`, { headers: { "x-user": "ada" } })
      .then((response) => response.text())
      .catch(() => undefined);
    proxy.disarm();
    expect(answer, seeded("an answer that should have been cut")).toBeUndefined();
    const cut = proxy.cuts.at(-1);
    pollCuts.push(cut?.passed.slice(9, 12) ?? "none");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(pollCuts, seeded("polls cut while forwarding")).toContain("202");
  expect(pollCuts, seeded("polls cut once finished")).toContain("200");
  // The lost answers took nothing away: the result is still there to read.
  await expectStoredOnce(url, data);
}, 20_000);

it("does not upload again when the final PATCH's answer is lost until forwarding ended", async () => {
  const chunkSize = 1 * MiB;
  const data = randomFile(SIZE);
  let lost = false;
  let back = false;
  let forwarded: Awaited<ReturnType<typeof waitForResult>> | undefined;
  const { url } = await tusUpload(endpoint(), data, {
    chunkSize,
    retryDelays: RETRY_DELAYS,
    metadata: METADATA,
    onBeforeRequest: async (request) => {
      const patch = record(request, chunkSize);
      if (patch && patch.offset + patch.length >= SIZE && !lost) {
        lost = true;
        proxy.cutAfter(0, "down", "final PATCH's answer");
        return;
      }
      // The network comes back only once the server has sent the file on to ImageKit (a phone
      // offline for a few seconds): the next request finds the upload forwarded.
      if (lost && !back) {
        back = true;
        forwarded = await waitForResult(new URL(new URL(request.getURL()).pathname, kit.base).href);
      }
    },
    onAfterResponse: recordAnswer,
  });
  expect(proxy.cuts.map((cut) => cut.label)).toEqual(["final PATCH's answer"]);
  expect(forwarded?.status, "the result while the client was away").toBe(200);
  // tus-js-client asks with a HEAD where the upload stands. All its bytes are there (and in
  // ImageKit): anything but "complete" makes it create a new upload and send every byte again.
  expect(sent.heads[0], "the HEAD after the lost answer").toEqual({
    status: 200,
    offset: String(SIZE),
    length: String(SIZE),
  });
  expect(sent.posts, "uploads created").toBe(1);
  const bytesSent = sent.patches.reduce((sum, patch) => sum + patch.length, 0);
  expect(bytesSent, "bytes sent").toBe(SIZE);
  await expectStoredOnce(url, data);
}, 20_000);
