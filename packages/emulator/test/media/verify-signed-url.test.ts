import ImageKit from "@imagekit/nodejs";
import LegacyImageKit from "imagekit";
import { describe, expect, it } from "vitest";
import {
  NEVER_EXPIRES,
  signUrlPart,
  verifySignedUrl,
} from "../../src/file-server/verify-signed-url";

const privateKey = "private_test_key";
const urlEndpoint = "http://localhost:4500/upkit-demo";
const urlPath = "/upkit-demo";
const client = new ImageKit({ privateKey });
const legacy = new LegacyImageKit({ publicKey: "public_test_key", privateKey, urlEndpoint });

/** What the client sends as the request target: the URL without its origin. */
const target = (url: string) => url.slice(new URL(url).origin.length);
const now = () => Math.floor(Date.now() / 1000);

describe("verifySignedUrl", () => {
  it.each([
    ["query", "/photos/cat.jpg", "query"],
    ["path", "/photos/cat.jpg", "path"],
    ["path, unicode and spaces", "/fotos/gato é ñ.jpg", "path"],
  ] as const)("accepts a URL signed by @imagekit/nodejs buildSrc (%s)", (_, src, position) => {
    const url = client.helper.buildSrc({
      src,
      urlEndpoint,
      signed: true,
      expiresIn: 300,
      transformation: [{ width: 100, height: 100 }, { rotation: 90 }],
      transformationPosition: position,
    });
    expect(url).toContain("ik-t=");
    const result = verifySignedUrl(target(url), urlPath, privateKey);
    expect(result).toMatchObject({ valid: true });
    if (result.valid) expect(result.expiresAt).toBeGreaterThan(now());
  });

  it("accepts a never-expiring signature (no ik-t: the 9999999999 default)", () => {
    const url = client.helper.buildSrc({ src: "/a.png", urlEndpoint, signed: true });
    expect(url).not.toContain("ik-t=");
    expect(verifySignedUrl(target(url), urlPath, privateKey)).toEqual({
      valid: true,
      expiresAt: NEVER_EXPIRES,
    });
  });

  it("accepts URLs signed by the legacy imagekit 6 SDK", () => {
    for (const transformationPosition of ["path", "query"] as const) {
      const url = legacy.url({
        path: "/photos/cat.jpg",
        transformation: [{ width: "100", height: "100" }],
        transformationPosition,
        signed: true,
        expireSeconds: 300,
      });
      expect(verifySignedUrl(target(url), urlPath, privateKey)).toMatchObject({ valid: true });
    }
  });

  it("keeps other query parameters in the signed string", () => {
    const url = client.helper.buildSrc({
      src: "/a.png",
      urlEndpoint,
      signed: true,
      expiresIn: 60,
      queryParameters: { updatedAt: "1700000000000", v: "2" },
    });
    expect(verifySignedUrl(target(url), urlPath, privateKey)).toMatchObject({ valid: true });
    const dropped = target(url).replace("v=2&", "");
    expect(verifySignedUrl(dropped, urlPath, privateKey)).toEqual({
      valid: false,
      reason: "invalid",
    });
  });

  it("refuses a missing signature", () => {
    expect(verifySignedUrl("/upkit-demo/a.png", urlPath, privateKey)).toEqual({
      valid: false,
      reason: "missing",
    });
    expect(verifySignedUrl("/upkit-demo/a.png?ik-t=9", urlPath, privateKey)).toMatchObject({
      reason: "missing",
    });
  });

  it("refuses a tampered path, expiry, signature or key", () => {
    const url = target(
      client.helper.buildSrc({ src: "/a.png", urlEndpoint, signed: true, expiresIn: 60 }),
    );
    const invalid = { valid: false, reason: "invalid" };
    expect(verifySignedUrl(url.replace("a.png", "b.png"), urlPath, privateKey)).toEqual(invalid);
    expect(
      verifySignedUrl(
        url.replace(/ik-t=(\d+)/, (_, t) => `ik-t=${Number(t) + 1000}`),
        urlPath,
        privateKey,
      ),
    ).toEqual(invalid);
    expect(
      verifySignedUrl(url.replace(/ik-s=[0-9a-f]+/, `ik-s=${"0".repeat(40)}`), urlPath, privateKey),
    ).toEqual(invalid);
    expect(verifySignedUrl(url, urlPath, "private_other")).toEqual(invalid);
    expect(verifySignedUrl(url.replace(/ik-t=\d+/, "ik-t=abc"), urlPath, privateKey)).toEqual(
      invalid,
    );
  });

  it("refuses an expired signature", () => {
    const url = target(
      client.helper.buildSrc({ src: "/a.png", urlEndpoint, signed: true, expiresIn: 60 }),
    );
    expect(verifySignedUrl(url, urlPath, privateKey, now() + 61)).toEqual({
      valid: false,
      reason: "expired",
    });
    expect(verifySignedUrl(url, urlPath, privateKey, now() + 30)).toMatchObject({ valid: true });
  });

  it("signs like the SDKs (stringToSign = URL part after the endpoint + expiry)", () => {
    const url = target(
      client.helper.buildSrc({
        src: "/a.png",
        urlEndpoint,
        signed: true,
        transformation: [{ width: 10 }],
        transformationPosition: "path",
      }),
    );
    expect(url).toBe(
      `/upkit-demo/tr:w-10/a.png?ik-s=${signUrlPart("tr:w-10/a.png", NEVER_EXPIRES, privateKey)}`,
    );
  });

  it("works with an endpoint at the root of the host", () => {
    const url = client.helper.buildSrc({
      src: "/a.png",
      urlEndpoint: "http://localhost:4500",
      signed: true,
      expiresIn: 60,
    });
    expect(verifySignedUrl(target(url), "", privateKey)).toMatchObject({ valid: true });
  });
});
