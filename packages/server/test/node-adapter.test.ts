import { createHash } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createUploadHandler, defineProfile } from "../src/index";
import { toNodeHandler } from "../src/node";

// The node adapter's body handling: a small JSON body is read whole before the handler runs,
// any other body streams; either way the handler sees the same bytes, the routes' own limits
// hold, and a client that goes away aborts the request's signal.

type Handler = Parameters<typeof toNodeHandler>[0];

let servers: Server[] = [];
afterEach(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  servers = [];
});

type Listener = Parameters<typeof createServer>[1] & {};

const serve = (handler: Handler) => listen(toNodeHandler(handler));

async function listen(listener: Listener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A JSON POST of a declared `length` that the test writes (and cuts) itself; errors ignored. */
function openJsonPost(port: number, length: number) {
  const req = httpRequest({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/x",
    headers: { "content-type": "application/json", "content-length": length },
  });
  req.on("error", () => {});
  return req;
}

/** A POST whose body is written by `write`; resolves with the answer's status and text. */
function post(
  port: number,
  headers: Record<string, string | number>,
  write: (req: ReturnType<typeof httpRequest>) => void,
): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method: "POST", path: "/x", headers });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    req.on("error", reject);
    write(req);
  });
}

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

/** Answers what it received: the body's hash and length, and whether it ran before the end. */
const echo: Handler = async (request) => {
  const bytes = new Uint8Array(await request.arrayBuffer());
  return Response.json({
    sha256: sha256(bytes),
    length: bytes.length,
    type: request.headers.get("content-type"),
  });
};

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

describe("request bodies", () => {
  it("a small JSON body reaches the handler intact", async () => {
    const port = await serve(echo);
    const body = JSON.stringify({ files: [{ name: "é.png", size: 1, type: "image/png" }] });
    const answer = await post(
      port,
      { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      // In three writes: node may hand it over in several chunks.
      (req) => {
        const bytes = Buffer.from(body);
        req.write(bytes.subarray(0, 5));
        req.write(bytes.subarray(5, 20));
        req.end(bytes.subarray(20));
      },
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      sha256: sha256(body),
      length: Buffer.byteLength(body),
      type: "application/json",
    });
  });

  it("a large body streams: the handler runs before it is all sent, and gets it intact", async () => {
    let started = false;
    const port = await serve(async (request) => {
      started = true;
      return echo(request);
    });
    // JSON too, but past the small-body size: it must not be read whole first.
    const body = Buffer.alloc(1024 * 1024, "[1,2,3]");
    const answer = post(
      port,
      { "content-type": "application/json", "content-length": body.length },
      async (req) => {
        req.write(body.subarray(0, 1000));
        await until(() => started, "the handler to start");
        req.end(body.subarray(1000));
      },
    );
    expect(JSON.parse((await answer).text)).toMatchObject({
      sha256: sha256(body),
      length: body.length,
    });
  });

  it("a body a middleware already read is an empty body, not a request that never ends", async () => {
    const adapter = toNodeHandler(echo);
    const port = await listen((req, res) => {
      req.resume();
      req.on("end", () => adapter(req, res));
    });
    const answer = await post(
      port,
      { "content-type": "application/json", "content-length": 2 },
      (req) => req.end("{}"),
    );
    expect(JSON.parse(answer.text)).toMatchObject({ length: 0 });
  });

  it("a small body cut off by the client reaches the handler as a failing body", async () => {
    let failure: unknown;
    const port = await serve(async (request) => {
      failure = await request.text().then(
        () => "read",
        (error: unknown) => error,
      );
      return new Response(null, { status: 400 });
    });
    const req = openJsonPost(port, 100);
    req.write('{"files":');
    await new Promise((r) => setTimeout(r, 50));
    req.destroy();
    await until(() => failure !== undefined, "the handler");
    expect(failure).toBeInstanceOf(Error);
  });
});

describe("the kit's limits hold", () => {
  const uploads = () =>
    createUploadHandler({
      imagekit: {
        privateKey: "private_test_key",
        publicKey: "public_test_key",
        urlEndpoint: "http://127.0.0.1:1/x",
        uploadEndpoint: "http://127.0.0.1:1",
        apiEndpoint: "http://127.0.0.1:1",
      },
      profiles: { gallery: defineProfile({ rateLimit: false }) },
    });

  it("a sign request signs through the adapter, answered in one piece with its length", async () => {
    const port = await listen(toNodeHandlerPath(uploads(), "/api/upload/gallery/sign"));
    const body = JSON.stringify({ files: [{ name: "a.png", size: 10, type: "image/png" }] });
    const answer = await post(
      port,
      { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      (req) => req.end(body),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers["content-length"]).toBe(String(Buffer.byteLength(answer.text)));
    expect(answer.headers["transfer-encoding"]).toBeUndefined();
    expect(JSON.parse(answer.text).files[0].fields.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it("a JSON body past the route's limit is refused by its declared length, unread", async () => {
    const port = await listen(toNodeHandlerPath(uploads(), "/api/upload/gallery/sign"));
    // 10 MB declared and never sent: an answer proves nothing waited for (or held) the body.
    const answer = await post(
      port,
      { "content-type": "application/json", "content-length": 10_000_000 },
      (req) => req.write("{"),
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.message).toMatch(/larger than/);
  });
});

describe("a client that goes away", () => {
  for (const [what, length] of [
    ["a small JSON body", 100],
    ["a streamed body", 1_000_000],
  ] as const) {
    it(`aborts the request's signal (${what}, the handler waiting for its body)`, async () => {
      let signal: AbortSignal | undefined;
      const port = await serve(async (request) => {
        signal = request.signal;
        await request.text().catch(() => {});
        await new Promise((resolve) =>
          signal?.aborted ? resolve(undefined) : signal?.addEventListener("abort", resolve),
        );
        return new Response(null, { status: 204 });
      });
      const req = openJsonPost(port, length);
      req.write("[");
      await new Promise((r) => setTimeout(r, 50));
      req.destroy();
      await until(() => signal?.aborted === true, "the signal to abort");
    });
  }

  it("aborts the request's signal after a whole small body, while the handler works", async () => {
    let signal: AbortSignal | undefined;
    const port = await serve(async (request) => {
      signal = request.signal;
      await request.text();
      await new Promise((resolve) => signal?.addEventListener("abort", resolve));
      return new Response(null, { status: 204 });
    });
    const req = openJsonPost(port, 2);
    req.end("{}");
    await until(() => signal !== undefined, "the handler");
    expect(signal?.aborted).toBe(false);
    req.destroy();
    await until(() => signal?.aborted === true, "the signal to abort");
  });
});

/** The adapter with every request sent to one path of the kit. */
function toNodeHandlerPath(handler: Handler, path: string): Listener {
  const adapter = toNodeHandler(handler);
  return (req, res) => {
    req.url = path;
    return adapter(req, res);
  };
}
