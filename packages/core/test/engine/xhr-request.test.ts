// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fileBytesSent, xhrRequest } from "../../src/engine/xhr-request";
import { UploadError } from "../../src/upload-error";
import { startCorsServer } from "./cors-server";

let server: Awaited<ReturnType<typeof startCorsServer>>;
let base = "";
let routes: typeof server.routes;

beforeAll(async () => {
  server = await startCorsServer();
  base = server.base;
  routes = server.routes;
});
afterAll(() => server.close());

function form(size = 10): FormData {
  const body = new FormData();
  body.append("name", "value");
  body.append("file", new File([new Uint8Array(size)], "a.bin"), "a.bin");
  return body;
}

describe("xhrRequest", () => {
  it("resolves with the status and the parsed JSON body, reporting upload progress", async () => {
    let received = 0;
    routes.set("/ok", (_request, response, body) => {
      received = body.length;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ fileId: "abc" }));
    });
    const onProgress = vi.fn();
    const answer = await xhrRequest({ url: `${base}/ok`, body: form(256 * 1024), onProgress });
    expect(answer).toEqual({
      status: 200,
      body: { fileId: "abc" },
      headers: { retryAfter: undefined },
    });
    expect(received).toBeGreaterThan(256 * 1024);
    const [loaded, total] = onProgress.mock.lastCall ?? [];
    expect(loaded).toBe(total);
    expect(total).toBeGreaterThan(256 * 1024);
  });

  it("resolves error statuses too, with their body and the wait they ask for", async () => {
    routes.set("/busy", (_request, response) => {
      response.writeHead(503, { "content-type": "application/json", "retry-after": "7" });
      response.end(JSON.stringify({ message: "Try later", help: "…" }));
    });
    routes.set("/text", (_request, response) => {
      response.writeHead(502, { "content-type": "text/plain" });
      response.end("Bad gateway");
    });
    routes.set("/limited", (_request, response) => {
      response.writeHead(429, { "x-ratelimit-reset": "1500", "retry-after": "9" });
      response.end('{"message":"Too many requests"}');
    });
    expect(await xhrRequest({ url: `${base}/busy`, body: form() })).toEqual({
      status: 503,
      body: { message: "Try later", help: "…" },
      headers: { retryAfter: 7 },
    });
    expect(await xhrRequest({ url: `${base}/text`, body: form() })).toMatchObject({
      status: 502,
      body: "Bad gateway",
    });
    expect(await xhrRequest({ url: `${base}/limited`, body: form() })).toEqual({
      status: 429,
      body: { message: "Too many requests" },
      headers: { retryAfter: 1.5 },
    });
  });

  it("aborts through the signal with an `aborted` UploadError", async () => {
    let arrived: () => void = () => {};
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    routes.set("/hang", () => arrived()); // never answers
    const controller = new AbortController();
    const pending = xhrRequest({ url: `${base}/hang`, body: form(), signal: controller.signal });
    await requestArrived;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
    await expect(pending).rejects.toBeInstanceOf(UploadError);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const signal = AbortSignal.abort();
    await expect(xhrRequest({ url: `${base}/ok`, body: form(), signal })).rejects.toMatchObject({
      code: "aborted",
    });
  });

  it("turns a network failure into a `network-error` UploadError", async () => {
    routes.set("/reset", (request) => request.socket.destroy());
    await expect(xhrRequest({ url: `${base}/reset`, body: form() })).rejects.toMatchObject({
      code: "network-error",
      retryable: true,
    });
  });
});

describe("request helpers", () => {
  it("fileBytesSent scales the multipart body's progress to the file's bytes", () => {
    expect(fileBytesSent(550, 1100, 1000)).toBe(500);
    expect(fileBytesSent(1100, 1100, 1000)).toBe(1000);
    expect(fileBytesSent(2000, undefined, 1000)).toBe(1000);
  });
});
