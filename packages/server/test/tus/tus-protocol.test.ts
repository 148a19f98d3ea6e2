import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTusKit, type TusKit, tusFetch, tusMetadata } from "./tus-kit";

let kit: TusKit;
beforeAll(async () => {
  kit = await startTusKit();
});
afterAll(() => kit.close());

async function create(size: number, userId = "ada"): Promise<string> {
  const response = await tusFetch(`${kit.base}/files/tus`, {
    method: "POST",
    userId,
    headers: {
      "upload-length": String(size),
      "upload-metadata": tusMetadata({ filename: "notes.txt", filetype: "text/plain" }),
    },
  });
  expect(response.status).toBe(201);
  const location = response.headers.get("location") as string;
  expect(location).toMatch(/^\/api\/upload\/files\/tus\/[A-Za-z0-9]+$/);
  return new URL(location, kit.base).href;
}

const patch = (url: string, offset: number, body: string, userId = "ada") =>
  tusFetch(url, {
    method: "PATCH",
    userId,
    headers: { "upload-offset": String(offset), "content-type": "application/offset+octet-stream" },
    body,
  });

it("answers OPTIONS with tus's discovery headers, the deferred length left out", async () => {
  const response = await fetch(`${kit.base}/images/tus`, { method: "OPTIONS" });
  expect(response.status).toBe(204);
  expect(response.headers.get("tus-version")).toBe("1.0.0");
  const extensions = response.headers.get("tus-extension")?.split(",");
  expect(extensions).toEqual(
    expect.arrayContaining(["creation", "creation-with-upload", "termination", "expiration"]),
  );
  expect(extensions).not.toContain("creation-defer-length");
  expect(Number(response.headers.get("tus-max-size"))).toBeGreaterThanOrEqual(1_000_000);
  const upload = await fetch(`${kit.base}/images/tus/abc`, { method: "OPTIONS" });
  expect(upload.headers.get("tus-version")).toBe("1.0.0");
});

it("creates, takes chunks, reports the offset, refuses a wrong offset, and terminates", async () => {
  const url = await create(20);
  let head = await tusFetch(url, { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(head.headers.get("upload-offset")).toBe("0");
  expect(head.headers.get("upload-length")).toBe("20");

  const first = await patch(url, 0, "0123456789");
  expect(first.status).toBe(204);
  expect(first.headers.get("upload-offset")).toBe("10");
  expect(first.headers.get("upload-expires")).toBeTruthy();
  head = await tusFetch(url, { method: "HEAD" });
  expect(head.headers.get("upload-offset")).toBe("10");

  const wrong = await patch(url, 0, "0123456789");
  expect(wrong.status).toBe(409);

  const gone = await tusFetch(url, { method: "DELETE" });
  expect(gone.status).toBe(204);
  expect((await tusFetch(url, { method: "HEAD" })).status).toBe(404);
  expect(await kit.storedFiles()).toEqual([]);
});

/** A PATCH whose body trickles in (`pieces` pieces, `delayMs` apart), so that it holds the lock. */
async function slowPatch(url: string, offset: number, body: Buffer, pieces = 16, delayMs = 20) {
  const size = Math.ceil(body.length / pieces);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= body.length) return controller.close();
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      controller.enqueue(new Uint8Array(body.subarray(sent, sent + size)));
      sent += size;
    },
  });
  const response = await tusFetch(url, {
    method: "PATCH",
    headers: {
      "upload-offset": String(offset),
      "content-type": "application/offset+octet-stream",
      "content-length": String(body.length),
    },
    body: stream,
    duplex: "half",
  } as RequestInit);
  return { status: response.status, offset: response.headers.get("upload-offset") };
}

it("two PATCHes at one offset at once: one writes, the other is refused; the offset stays right", async () => {
  const chunk = Buffer.alloc(64 * 1024, "a");
  const url = await create(3 * chunk.length);
  expect((await patch(url, 0, chunk.toString())).status).toBe(204);
  const first = slowPatch(url, chunk.length, chunk);
  await new Promise((resolve) => setTimeout(resolve, 60));
  const answers = await Promise.all([first, slowPatch(url, chunk.length, chunk)]);
  const written = answers.filter((answer) => answer.status === 204);
  expect(written).toHaveLength(1);
  expect(Number(written[0]?.offset)).toBe(2 * chunk.length);
  expect([409, 423]).toContain(answers.find((answer) => answer.status !== 204)?.status);
  // Resuming from HEAD's offset: exactly the acknowledged bytes are stored.
  const head = await tusFetch(url, { method: "HEAD" });
  expect(head.headers.get("upload-offset")).toBe(String(2 * chunk.length));
  const id = new URL(url).pathname.split("/").pop() as string;
  expect((await stat(join(kit.directory, id))).size).toBe(2 * chunk.length);
  expect((await patch(url, chunk.length, "late")).status).toBe(409);
  await tusFetch(url, { method: "DELETE" });
});

it("refuses a PATCH to an upload removed behind the route's back (another instance), as unknown", async () => {
  const url = await create(10);
  expect((await patch(url, 0, "01234")).status).toBe(204);
  const id = new URL(url).pathname.split("/").pop() as string;
  // What another instance's removal leaves on the shared directory: nothing.
  await Promise.all([rm(join(kit.directory, id)), rm(join(kit.directory, `${id}.json`))]);
  expect((await patch(url, 5, "56789")).status).toBe(404);
  expect((await patch(url, 5, "56789", "bob")).status).toBe(404);
  expect((await tusFetch(url, { method: "HEAD" })).status).toBe(404);
  expect(await kit.storedFiles()).toEqual([]);
});

it("answers another caller's upload as an unknown one, and refuses anonymous callers", async () => {
  const url = await create(10);
  for (const method of ["HEAD", "DELETE"]) {
    const response = await tusFetch(url, { method, userId: "bob" });
    expect(response.status, method).toBe(404);
  }
  const stolen = await patch(url, 0, "0123456789", "bob");
  expect(stolen.status).toBe(404);
  expect((await stolen.json()).error.code).toBe("not-found");
  const result = await tusFetch(`${url}/result`, { userId: "bob" });
  expect(result.status).toBe(404);
  expect((await tusFetch(`${url}/result`)).status).toBe(409);

  const anonymous = await fetch(url, { method: "HEAD", headers: { "tus-resumable": "1.0.0" } });
  expect(anonymous.status).toBe(401);
  // The owner still has it, untouched.
  const head = await tusFetch(url, { method: "HEAD" });
  expect(head.headers.get("upload-offset")).toBe("0");
  await tusFetch(url, { method: "DELETE" });
});

it("refuses tus on a profile that does not allow it, and methods tus does not serve", async () => {
  const refused = await tusFetch(`${kit.base}/direct/tus`, { method: "POST" });
  expect(refused.status).toBe(403);
  const get = await tusFetch(`${kit.base}/files/tus`);
  expect(get.status).toBe(405);
});

it("expires incomplete uploads: 410, then removed on demand", async () => {
  const short = await startTusKit({ expiresIn: 1 });
  try {
    const response = await tusFetch(`${short.base}/files/tus`, {
      method: "POST",
      headers: {
        "upload-length": "10",
        "upload-metadata": tusMetadata({ filename: "a.txt", filetype: "text/plain" }),
      },
    });
    const url = new URL(response.headers.get("location") as string, short.base).href;
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await tusFetch(url, { method: "HEAD" })).status).toBe(410);
    expect((await patch(url, 0, "0123456789")).status).toBe(410);
    expect(await short.uploads.cleanUpExpiredUploads()).toBe(1);
    expect(await short.storedFiles()).toEqual([]);
  } finally {
    await short.close();
  }
});
