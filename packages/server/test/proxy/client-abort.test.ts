import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { createImageKitClient } from "../../src/imagekit/create-imagekit-client";
import { streamProxyUpload } from "../../src/proxy/stream-proxy-upload";
import { startEmulator, type TestEmulator } from "../support/emulator";
import {
  generatedFile,
  MiB,
  type MultipartBody,
  multipartBody,
  PDF_HEAD,
  runProxy,
  storedPaths,
  waitFor,
} from "./proxy-test-kit";

/**
 * An ImageKit that takes the upload request, then stalls: it never reads the body nor answers,
 * so the proxy's bytes pile up in socket buffers. Like a server watching its connections, it
 * notices one that is gone: every 20 ms it writes nothing to the socket, which fails once the
 * peer reset the connection (and sends no bytes otherwise). A graceful close never arrives: it
 * queues behind the unread body.
 */
interface StalledUpstream {
  url: string;
  requests: IncomingMessage[];
  /** When each request's connection was seen to close (ms since epoch). */
  closedAt: Map<IncomingMessage, number>;
  close(): Promise<void>;
}

async function stalledUpstream(): Promise<StalledUpstream> {
  const requests: IncomingMessage[] = [];
  const closedAt = new Map<IncomingMessage, number>();
  const server: Server = createServer((req) => {
    requests.push(req);
    req.pause();
    const { socket } = req;
    const probe = setInterval(() => socket.write(new Uint8Array(0), () => {}), 20);
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(probe);
      closedAt.set(req, Date.now());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    closedAt,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A Request as a framework builds it, its signal aborted when the browser goes away. */
function browserRequest(body: MultipartBody, signal: AbortSignal): Request {
  return new Request("http://app.test/api/upload/docs/proxy", {
    method: "POST",
    body: body.stream,
    duplex: "half",
    headers: { "content-type": body.contentType, "content-length": String(body.length) },
    signal,
  } as RequestInit);
}

/** Resolves once `body` has not been read from for 300 ms: the proxy is blocked mid-body. */
async function stalled(body: MultipartBody): Promise<void> {
  let last = -1;
  await waitFor(async () => {
    const pulled = body.pulled();
    if (pulled === last) return true;
    last = pulled;
    await new Promise((resolve) => setTimeout(resolve, 300));
    return false;
  }, "the body to stall");
}

/** A full garbage collection, as a busy server runs one at any time. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

/** A client for `server`: the real one, with its default (60 s) idle timeout. */
const clientFor = (server: StalledUpstream) =>
  createImageKitClient({
    privateKey: "private_test",
    publicKey: "public_test",
    urlEndpoint: `${server.url}/demo`,
    uploadEndpoint: server.url,
    apiEndpoint: server.url,
  });

/** A proxy upload of a 256 MiB PDF (far more than socket buffers hold) to a stalled upstream. */
async function stalledUpload(browser: AbortController) {
  const file = generatedFile(256 * MiB, PDF_HEAD);
  const body = multipartBody([
    { name: "file", fileName: "stalled.pdf", type: "application/pdf", file },
  ]);
  // The Request is not kept here: a framework drops its own reference once the handler runs.
  const result = streamProxyUpload({
    request: browserRequest(body, browser.signal),
    restrictions: {},
    client: clientFor(upstream),
    prepare: async ({ file }) => ({ fileName: file.name }),
  });
  result.catch(() => {});
  await waitFor(async () => upstream.requests.length > 0, "the upload request upstream");
  await stalled(body);
  // The proxy is still sending when the client leaves.
  expect(body.pulled()).toBeLessThan(body.length / 8);
  const [request] = upstream.requests as [IncomingMessage];
  expect(upstream.closedAt.has(request)).toBe(false);
  return { result, request };
}

/** The error code `result` fails with, "uploaded", or "still waiting" after `ms`. */
function outcomeWithin(result: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([
    result.then(
      () => "uploaded",
      (error: { code?: string }) => error.code,
    ),
    new Promise((resolve) => setTimeout(resolve, ms, "still waiting")),
  ]);
}

let upstream: StalledUpstream;
beforeEach(async () => {
  upstream = await stalledUpstream();
});
afterEach(() => upstream.close());

it("resets the connection to a stalled ImageKit as soon as the client goes away mid-body", async () => {
  const browser = new AbortController();
  const { result, request } = await stalledUpload(browser);
  const abortedAt = Date.now();
  browser.abort();
  expect(await outcomeWithin(result, 2000)).toBe("aborted");
  // Not after the 60 s idle timeout, nor never (a graceful close stuck behind the unsent body).
  await waitFor(
    async () => upstream.closedAt.has(request),
    "the upstream connection to close",
    2000,
  );
  expect((upstream.closedAt.get(request) ?? 0) - abortedAt).toBeLessThan(2000);
  // The body never ended: nothing can have been stored.
  expect(request.complete).toBe(false);
});

it("hears the client go away even once the Request object was garbage-collected", async () => {
  const browser = new AbortController();
  const { result, request } = await stalledUpload(browser);
  collectGarbage();
  browser.abort();
  expect(await outcomeWithin(result, 2000)).toBe("aborted");
  await waitFor(
    async () => upstream.closedAt.has(request),
    "the upstream connection to close",
    2000,
  );
});

// ---------------------------------------------------------------------------------------------
// The rule that stays: once the whole body was read, a disconnect lets the upload finish.

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.dispose());

it("still lets an upload whose body was fully read finish when the client leaves", async () => {
  const file = generatedFile(256 * 1024, PDF_HEAD);
  const body = multipartBody([
    { name: "file", fileName: "whole.pdf", type: "application/pdf", file },
  ]);
  const browser = new AbortController();
  // ImageKit answers late: the client is gone by then, but its body was whole.
  await emulator.api("/_emulator/faults", {
    method: "POST",
    body: JSON.stringify({
      method: "POST",
      path: "/api/v1/files/upload",
      times: 1,
      fault: { latencyMs: 300 },
    }),
  });
  const folder = "/client-abort/whole";
  const { result } = runProxy(emulator, browserRequest(body, browser.signal), { folder });
  await waitFor(async () => body.pulled() === body.length, "the whole body to be read");
  await new Promise((resolve) => setTimeout(resolve, 50));
  browser.abort();
  expect(await result).toMatchObject({ name: "whole.pdf", size: file.size });
  expect(await storedPaths(emulator)).toContain(`${folder}/whole.pdf`);
});
