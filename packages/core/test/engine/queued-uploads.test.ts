// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDirectTransport } from "../../src/engine/direct-transport";
import { createProxyTransport } from "../../src/engine/proxy-transport";
import type { UploadContext } from "../../src/engine/uploader-types";
import { UploadError } from "../../src/upload-error";
import { json, startCorsServer } from "./cors-server";
import { resultOf } from "./fakes";

/*
 * ImageKit queues an upload (202, a video's pre-transformation): the transports then ask the
 * route's `complete` until the file is stored, and never send the bytes again, whatever the
 * polls meet on the way (a retried upload would store the video twice).
 */

let server: Awaited<ReturnType<typeof startCorsServer>>;
beforeAll(async () => {
  server = await startCorsServer();
});
afterAll(() => server.close());

const video = () => new File([new Uint8Array(4096)], "clip.mp4", { type: "video/mp4" });

function context(profile: string): UploadContext & { queuedCalls: number } {
  const ctx = {
    file: video(),
    profile,
    input: { note: "hi" },
    signal: new AbortController().signal,
    onProgress: () => {},
    onQueued: () => {
      ctx.queuedCalls++;
    },
    endpoint: `${server.base}/api/upload`,
    fetch: globalThis.fetch,
    queuedCalls: 0,
  };
  return ctx;
}

/** `complete` answers these statuses in turn (202: queued; 503: a passing failure), then the file. */
function completeRoute(profile: string, answers: number[]) {
  const asked: unknown[] = [];
  server.routes.set(`/api/upload/${profile}/complete`, (_request, response, body) => {
    asked.push(JSON.parse(body.toString()));
    const status = answers.shift() ?? 200;
    if (status === 202) return json(response, 202, { state: "queued", completionToken: "ct-q" });
    if (status === 503) {
      return json(response, 503, {
        error: { code: "service-unavailable", message: "Try again." },
      });
    }
    if (status === 400) {
      return json(response, 400, {
        error: { code: "upload-failed", message: "ImageKit could not apply it." },
      });
    }
    json(response, 200, { file: resultOf(video()), data: { saved: true } });
  });
  return asked;
}

describe("direct transport", () => {
  function routes(profile: string) {
    const hits = { imagekit: 0 };
    server.routes.set(`/api/upload/${profile}/sign`, (_request, response) =>
      json(response, 200, {
        files: [
          {
            uploadUrl: `${server.base}/ik/${profile}`,
            fields: { fileName: "clip.mp4" },
            expiresAt: Date.now() + 60_000,
            completionToken: "ct-q",
          },
        ],
      }),
    );
    server.routes.set(`/ik/${profile}`, (_request, response) => {
      hits.imagekit++;
      json(response, 202, { message: "The pre-transformation has been queued successfully." });
    });
    return hits;
  }

  it("asks complete with queued: true until the file is stored, sending the bytes once", async () => {
    const hits = routes("queued-direct");
    const asked = completeRoute("queued-direct", [202, 503]);
    const ctx = context("queued-direct");

    const answer = await createDirectTransport().upload(ctx);

    expect(answer).toEqual({ result: resultOf(video()), data: { saved: true } });
    expect(hits.imagekit).toBe(1);
    expect(ctx.queuedCalls).toBe(1);
    expect(asked).toEqual([
      { queued: true, completionToken: "ct-q", input: { note: "hi" } },
      { queued: true, completionToken: "ct-q", input: { note: "hi" } },
      { queued: true, completionToken: "ct-q", input: { note: "hi" } },
    ]);
  }, 15_000);

  it("fails with the route's error when ImageKit could not store the file", async () => {
    routes("queued-failed");
    completeRoute("queued-failed", [400]);
    const error = await createDirectTransport()
      .upload(context("queued-failed"))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UploadError);
    expect(error).toMatchObject({ code: "upload-failed", message: "ImageKit could not apply it." });
  });
});

describe("proxy transport", () => {
  it("takes the route's 202 as queued and asks complete, sending the bytes once", async () => {
    const hits = { proxy: 0 };
    server.routes.set("/api/upload/queued-proxy/proxy", (_request, response) => {
      hits.proxy++;
      json(response, 202, { state: "queued", completionToken: "ct-q" });
    });
    const asked = completeRoute("queued-proxy", [503]);
    const ctx = context("queued-proxy");

    const answer = await createProxyTransport().upload(ctx);

    expect(answer).toEqual({ result: resultOf(video()), data: { saved: true } });
    expect(hits.proxy).toBe(1);
    expect(ctx.queuedCalls).toBe(1);
    expect(asked).toHaveLength(2);
  });
});
