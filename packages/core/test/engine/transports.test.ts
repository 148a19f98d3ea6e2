// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUploader } from "../../src/engine/create-uploader";
import { createDirectTransport } from "../../src/engine/direct-transport";
import { createProxyTransport } from "../../src/engine/proxy-transport";
import type { UploadContext } from "../../src/engine/uploader-types";
import { UploadError } from "../../src/upload-error";
import { json, partNames, partValue, startCorsServer } from "./cors-server";
import { resultOf } from "./fakes";

let server: Awaited<ReturnType<typeof startCorsServer>>;
beforeAll(async () => {
  server = await startCorsServer();
});
afterAll(() => server.close());

const file = () => new File([new Uint8Array(2048)], "a.png", { type: "image/png" });

function context(profile: string, input?: unknown): UploadContext & { progress: number[] } {
  const progress: number[] = [];
  return {
    file: file(),
    profile,
    input,
    signal: new AbortController().signal,
    onProgress: (bytes) => progress.push(bytes),
    endpoint: `${server.base}/api/upload`,
    fetch: globalThis.fetch,
    progress,
  };
}

/** Routes of a direct upload for `profile`, with ImageKit's answer given by `imagekit`. */
function directRoutes(profile: string, imagekit: Parameters<typeof server.routes.set>[1]) {
  const seen: { sign?: unknown; parts?: string[]; filename?: string; complete?: unknown } = {};
  server.routes.set(`/api/upload/${profile}/sign`, (_request, response, body) => {
    seen.sign = JSON.parse(body.toString());
    json(response, 200, {
      files: [
        {
          uploadUrl: `${server.base}/ik/${profile}`,
          fields: { fileName: "a.png", token: "t-1", signature: "s-1" },
          expiresAt: Date.now() + 60_000,
          completionToken: "ct-1",
        },
      ],
    });
  });
  server.routes.set(`/ik/${profile}`, (request, response, body) => {
    seen.parts = partNames(body);
    seen.filename = /name="file"; filename="([^"]+)"/.exec(body.toString("latin1"))?.[1];
    imagekit(request, response, body);
  });
  server.routes.set(`/api/upload/${profile}/complete`, (_request, response, body) => {
    seen.complete = JSON.parse(body.toString());
    json(response, 200, { file: resultOf(file()), data: { saved: true } });
  });
  return seen;
}

describe("direct transport", () => {
  it("signs, sends the fields then the file to ImageKit, and completes", async () => {
    const seen = directRoutes("ok", (_request, response) =>
      json(response, 200, { ...resultOf(file()), fileId: "ik-1" }),
    );
    const ctx = context("ok", { alt: "cat" });
    const answer = await createDirectTransport().upload(ctx);
    expect(answer).toEqual({ result: resultOf(file()), data: { saved: true } });
    expect(seen.sign).toEqual({
      files: [{ name: "a.png", size: 2048, type: "image/png" }],
      input: { alt: "cat" },
    });
    expect(seen.parts).toEqual(["fileName", "token", "signature", "file"]);
    expect(seen.filename).toBe("a.png");
    expect(seen.complete).toEqual({
      fileId: "ik-1",
      completionToken: "ct-1",
      input: { alt: "cat" },
    });
    expect(ctx.progress.at(-1)).toBe(2048);
  });

  it("maps ImageKit's { message } 4xx to upload-failed, not retryable", async () => {
    directRoutes("refused", (_request, response) =>
      json(response, 400, { message: "Your request failed 'checks' validation.", help: "…" }),
    );
    const error = await createDirectTransport()
      .upload(context("refused"))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UploadError);
    expect(error).toMatchObject({
      code: "upload-failed",
      message: "Your request failed 'checks' validation.",
      retryable: false,
    });
  });

  it("maps ImageKit's 5xx to upstream-error and 429 to rate-limited with its wait", async () => {
    directRoutes("down", (_request, response) => json(response, 503, { message: "Down" }));
    await expect(createDirectTransport().upload(context("down"))).rejects.toMatchObject({
      code: "upstream-error",
      retryable: true,
    });
    directRoutes("busy", (_request, response) =>
      json(response, 429, { message: "Slow down" }, { "x-ratelimit-reset": "2000" }),
    );
    await expect(createDirectTransport().upload(context("busy"))).rejects.toMatchObject({
      code: "rate-limited",
      retryAfter: 2,
    });
  });

  it("rebuilds the route's own errors, with Retry-After", async () => {
    server.routes.set("/api/upload/nope/sign", (_request, response) =>
      json(response, 403, { error: { code: "forbidden", message: "Not yours" } }),
    );
    await expect(createDirectTransport().upload(context("nope"))).rejects.toMatchObject({
      code: "forbidden",
      message: "Not yours",
    });
    server.routes.set("/api/upload/limited/sign", (_request, response) =>
      json(
        response,
        429,
        { error: { code: "rate-limited", message: "Too many" } },
        { "retry-after": "3" },
      ),
    );
    await expect(createDirectTransport().upload(context("limited"))).rejects.toMatchObject({
      code: "rate-limited",
      retryAfter: 3,
    });
  });

  it("reports a malformed answer without a retry", async () => {
    server.routes.set("/api/upload/odd/sign", (_request, response) => json(response, 200, {}));
    await expect(createDirectTransport().upload(context("odd"))).rejects.toMatchObject({
      code: "bad-request",
      retryable: false,
    });
  });
});

describe("proxy transport", () => {
  it("sends input and size before the file, and returns the stored file", async () => {
    let parts: string[] = [];
    let input: string | undefined;
    let size: string | undefined;
    server.routes.set("/api/upload/proxied/proxy", (_request, response, body) => {
      parts = partNames(body);
      input = partValue(body, "input");
      size = partValue(body, "size");
      json(response, 200, { file: resultOf(file()), data: 7 });
    });
    const ctx = context("proxied", { alt: "dog" });
    const answer = await createProxyTransport().upload(ctx);
    expect(answer).toEqual({ result: resultOf(file()), data: 7 });
    expect(parts).toEqual(["input", "size", "file"]);
    expect(JSON.parse(input ?? "")).toEqual({ alt: "dog" });
    expect(size).toBe("2048");
    expect(ctx.progress.at(-1)).toBe(2048);

    await createProxyTransport().upload(context("proxied"));
    expect(parts).toEqual(["size", "file"]);
  });

  it("rebuilds the route's errors", async () => {
    server.routes.set("/api/upload/typed/proxy", (_request, response) =>
      json(response, 415, { error: { code: "file-invalid-type", message: "a.png is a PDF" } }),
    );
    await expect(createProxyTransport().upload(context("typed"))).rejects.toMatchObject({
      code: "file-invalid-type",
      message: "a.png is a PDF",
    });
    server.routes.set("/api/upload/slow/proxy", (_request, response) =>
      json(
        response,
        429,
        { error: { code: "rate-limited", message: "Too many" } },
        { "retry-after": "4" },
      ),
    );
    await expect(createProxyTransport().upload(context("slow"))).rejects.toMatchObject({
      code: "rate-limited",
      retryAfter: 4,
    });
  });
});

describe("the engine with the real transports", () => {
  it("uploads through the built-in direct transport, config from the route", async () => {
    server.routes.set("/api/upload/config", (_request, response) =>
      json(response, 200, {
        profiles: { engine: { restrictions: { maxFileSize: 4096 }, transports: ["direct"] } },
      }),
    );
    directRoutes("engine", (_request, response) => json(response, 200, { fileId: "ik-2" }));
    const onUploadComplete = vi.fn();
    const uploader = createUploader({
      profile: "engine",
      endpoint: `${server.base}/api/upload`,
      onUploadComplete,
    });
    await uploader.addFiles([file(), new File([new Uint8Array(5000)], "big.png")]);
    await uploader.settled();
    const { files, totals } = uploader.getSnapshot();
    expect(files.map((entry) => entry.status)).toEqual(["success", "rejected"]);
    expect(files[0]).toMatchObject({ transport: "direct", data: { saved: true }, progress: 1 });
    expect(totals).toMatchObject({ files: 1, progress: 1, succeeded: 1 });
    expect(onUploadComplete).toHaveBeenCalledTimes(1);
  });
});
