import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createUploadHandler, defineProfile } from "../src/index";
import { call } from "./support/call";
import { startEmulator, type TestEmulator } from "./support/emulator";

/**
 * The ImageKit keys are read at the first request, not when the handler is created: `next build`
 * loads the route module (and so runs `createUploadHandler`) in CI or a Docker build that has no
 * secrets. `checkConfig()` is the explicit check for where the server starts.
 */

const KEYS = ["IMAGEKIT_PRIVATE_KEY", "IMAGEKIT_PUBLIC_KEY", "IMAGEKIT_URL_ENDPOINT"] as const;
const sign = { json: { files: [{ name: "a.png", size: 10, type: "image/png" }] } };

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(() => emulator.dispose());

// As on a build machine: none of the variables is set.
beforeEach(() => {
  for (const name of [...KEYS, "IMAGEKIT_UPLOAD_ENDPOINT", "IMAGEKIT_API_ENDPOINT"]) {
    vi.stubEnv(name, undefined);
  }
});
afterEach(() => {
  vi.unstubAllEnvs();
});

function makeHandler(imagekit?: Record<string, string>) {
  const onError = vi.fn();
  const uploads = createUploadHandler({
    ...(imagekit ? { imagekit } : {}),
    onError,
    profiles: { images: defineProfile({ restrictions: { accept: ["image/*"] } }) },
  });
  return { uploads, onError };
}

function setEmulatorKeys() {
  vi.stubEnv("IMAGEKIT_PRIVATE_KEY", emulator.privateKey);
  vi.stubEnv("IMAGEKIT_PUBLIC_KEY", emulator.publicKey);
  vi.stubEnv("IMAGEKIT_URL_ENDPOINT", emulator.urlEndpoint);
  vi.stubEnv("IMAGEKIT_UPLOAD_ENDPOINT", emulator.url);
  vi.stubEnv("IMAGEKIT_API_ENDPOINT", emulator.url);
}

describe("without ImageKit keys", () => {
  it("creates the handler, as a build that loads the route module does", () => {
    expect(() => makeHandler()).not.toThrow();
  });

  it("answers the first request 500, generically, and reports which variable is missing", async () => {
    const { uploads, onError } = makeHandler();
    const res = await call(uploads, "/api/upload/config", { method: "GET" });
    expect(res.status).toBe(500);
    expect(res.body.error).toEqual({
      code: "internal-error",
      message: "Something went wrong on the server.",
    });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(String(onError.mock.calls[0]?.[0])).toMatch(
      /IMAGEKIT_PRIVATE_KEY is not set \(pass imagekit\.privateKey or set the variable\)/,
    );
    // Every route, not only those that sign.
    expect((await call(uploads, "/api/upload/images/sign", sign)).status).toBe(500);
    expect(onError).toHaveBeenCalledTimes(2);
  });

  it("throws the same message from checkConfig()", () => {
    const { uploads } = makeHandler();
    expect(() => uploads.checkConfig()).toThrow(
      "IMAGEKIT_PRIVATE_KEY is not set (pass imagekit.privateKey or set the variable)",
    );
    vi.stubEnv("IMAGEKIT_PRIVATE_KEY", "private_x");
    expect(() => uploads.checkConfig()).toThrow(/^IMAGEKIT_PUBLIC_KEY is not set/);
    vi.stubEnv("IMAGEKIT_PUBLIC_KEY", "public_x");
    expect(() => uploads.checkConfig()).toThrow(/^IMAGEKIT_URL_ENDPOINT is not set/);
  });

  it("finds keys set after it was created (a failed read is not kept)", async () => {
    const { uploads, onError } = makeHandler();
    expect((await call(uploads, "/api/upload/images/sign", sign)).status).toBe(500);
    setEmulatorKeys();
    expect(() => uploads.checkConfig()).not.toThrow();
    const signed = await call(uploads, "/api/upload/images/sign", sign);
    expect(signed.status).toBe(200);
    expect(signed.body.files[0].uploadUrl).toBe(`${emulator.url}/api/v2/files/upload`);
    expect(onError).toHaveBeenCalledTimes(1);
  });
});

describe("with a malformed key", () => {
  it("creates the handler, then names the variable at the request and in checkConfig()", async () => {
    const secret = "sk_live_not_an_imagekit_key";
    const { uploads, onError } = makeHandler({
      privateKey: secret,
      publicKey: emulator.publicKey,
      urlEndpoint: emulator.urlEndpoint,
    });
    const res = await call(uploads, "/api/upload/images/sign", sign);
    expect(res.status).toBe(500);
    const reported = String(onError.mock.calls[0]?.[0]);
    expect(reported).toMatch(/IMAGEKIT_PRIVATE_KEY is malformed/);
    expect(() => uploads.checkConfig()).toThrow(/IMAGEKIT_PRIVATE_KEY is malformed/);
    // The key itself is in nothing the handler produced.
    for (const text of [reported, JSON.stringify(res.body), JSON.stringify([...res.headers])]) {
      expect(text).not.toContain(secret);
    }
    let thrown = "";
    try {
      uploads.checkConfig();
    } catch (error) {
      thrown = `${(error as Error).message} ${(error as Error).stack}`;
    }
    expect(thrown).not.toContain(secret);
  });

  it("names a public key or URL that is malformed", () => {
    const bad = (imagekit: Record<string, string>) => () =>
      makeHandler(imagekit).uploads.checkConfig();
    const good = {
      privateKey: emulator.privateKey,
      publicKey: emulator.publicKey,
      urlEndpoint: emulator.urlEndpoint,
    };
    expect(bad({ ...good, publicKey: "pk_x" })).toThrow(/IMAGEKIT_PUBLIC_KEY is malformed/);
    expect(bad({ ...good, urlEndpoint: "not a url" })).toThrow(
      /IMAGEKIT_URL_ENDPOINT is not a URL/,
    );
    expect(bad(good)).not.toThrow();
  });
});

describe("with the keys", () => {
  it("passes checkConfig() and serves requests as before", async () => {
    setEmulatorKeys();
    const { uploads, onError } = makeHandler();
    expect(() => uploads.checkConfig()).not.toThrow();
    expect((await call(uploads, "/api/upload/config", { method: "GET" })).status).toBe(200);
    expect((await call(uploads, "/api/upload/images/sign", sign)).status).toBe(200);
    expect(onError).not.toHaveBeenCalled();
  });
});
