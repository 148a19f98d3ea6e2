import { jwtVerify, SignJWT } from "jose";
import { afterEach, expect, it, vi } from "vitest";

// Node has node:crypto, so the module takes that path; edge runtimes take Web Crypto's. Both
// must give jose's token, byte for byte (HMAC is deterministic).
type SignModule = typeof import("../../src/signing/hs256-jwt");
type HmacModule = typeof import("../../src/signing/hmac");

const getBuiltinModule = process.getBuiltinModule;

async function load(withNodeCrypto: boolean): Promise<SignModule & HmacModule> {
  vi.resetModules();
  if (!withNodeCrypto) (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
  try {
    const sign = await import("../../src/signing/hs256-jwt");
    const hmac = await import("../../src/signing/hmac");
    return { ...sign, ...hmac };
  } finally {
    process.getBuiltinModule = getBuiltinModule;
  }
}

afterEach(() => {
  process.getBuiltinModule = getBuiltinModule;
});

const secret = "private_sécret_key";
const claims = { fileName: "photo_é.png", folder: "/a b/", tags: "x,y" };

for (const withNodeCrypto of [true, false]) {
  const runtime = withNodeCrypto ? "node:crypto" : "Web Crypto";

  it(`signs as jose does, with ${runtime}`, async () => {
    const { signHs256Jwt, nodeCrypto } = await load(withNodeCrypto);
    expect(nodeCrypto === undefined).toBe(!withNodeCrypto);
    const token = await signHs256Jwt(secret, { typ: "JWT", kid: "public_k" }, claims, 1000, 4600);
    const expected = await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: "public_k" })
      .setIssuedAt(1000)
      .setExpirationTime(4600)
      .sign(new TextEncoder().encode(secret));
    expect(token).toBe(expected);
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), {
      currentDate: new Date(2000 * 1000),
    });
    expect(payload).toEqual({ ...claims, iat: 1000, exp: 4600 });
  });

  it(`hashes and signs hex as Web Crypto does, with ${runtime}`, async () => {
    const { hmacHex, sha256Hex } = await load(withNodeCrypto);
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-1" },
      false,
      ["sign"],
    );
    const hex = (bytes: ArrayBuffer) => Buffer.from(bytes).toString("hex");
    const message = "token-é1700000000";
    expect(await hmacHex("SHA-1", secret, message)).toBe(
      hex(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message))),
    );
    expect(await sha256Hex("null")).toBe(
      hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("null"))),
    );
  });
}
