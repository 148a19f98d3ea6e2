import type * as NodeCrypto from "node:crypto";

const encoder = new TextEncoder();

/**
 * node:crypto where the runtime has one (Node, Bun, Deno), else undefined (edge runtimes): its
 * HMAC and hash are synchronous, where each Web Crypto call is a job on the thread pool whose
 * JavaScript side alone costs several times the hash (the sign route made four a request).
 * Looked up when the module loads, never imported, so that no bundle for an edge runtime sees
 * `node:crypto`.
 */
export const nodeCrypto: typeof NodeCrypto | undefined = (() => {
  try {
    const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process;
    return process?.getBuiltinModule?.("node:crypto") as typeof NodeCrypto | undefined;
  } catch {
    return undefined;
  }
})();

/** Keys imported once per secret and hash: the import is most of what one signature costs. */
const imported = new Map<string, Promise<CryptoKey>>();

/** The HMAC `CryptoKey` of a secret string (its UTF-8 bytes), for signing and verifying. */
export function hmacKey(secret: string, hash: "SHA-1" | "SHA-256"): Promise<CryptoKey> {
  const id = `${hash}\n${secret}`;
  let key = imported.get(id);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash }, false, [
      "sign",
      "verify",
    ]);
    imported.set(id, key);
  }
  return key;
}

/** node:crypto's key objects, made once per secret (the secret's UTF-8 bytes, as `hmacKey`). */
const secretKeys = new Map<string, NodeCrypto.KeyObject>();

function secretKey(crypto: typeof NodeCrypto, secret: string): NodeCrypto.KeyObject {
  let key = secretKeys.get(secret);
  if (!key) {
    key = crypto.createSecretKey(Buffer.from(secret, "utf8"));
    secretKeys.set(secret, key);
  }
  return key;
}

/** Lower-case hex HMAC of `message`, as ImageKit's v1 signature and our key derivation use. */
export async function hmacHex(
  hash: "SHA-1" | "SHA-256",
  secret: string,
  message: string,
): Promise<string> {
  if (nodeCrypto) {
    return nodeCrypto
      .createHmac(hash === "SHA-1" ? "sha1" : "sha256", secretKey(nodeCrypto, secret))
      .update(message, "utf8")
      .digest("hex");
  }
  const signature = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret, hash),
    encoder.encode(message),
  );
  return toHex(new Uint8Array(signature));
}

/** Base64url HMAC-SHA-256 of `message`: a JWT's HS256 signature. */
export async function hmacSha256Base64url(secret: string, message: string): Promise<string> {
  if (nodeCrypto) {
    return nodeCrypto
      .createHmac("sha256", secretKey(nodeCrypto, secret))
      .update(message, "utf8")
      .digest("base64url");
  }
  const signature = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret, "SHA-256"),
    encoder.encode(message),
  );
  return bytesToBase64url(new Uint8Array(signature));
}

/** Lower-case hex SHA-256 of a string's UTF-8 bytes. */
export async function sha256Hex(text: string): Promise<string> {
  if (nodeCrypto) return nodeCrypto.createHash("sha256").update(text, "utf8").digest("hex");
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

/** Base64url (no padding) of a string's UTF-8 bytes. */
export function textToBase64url(text: string): string {
  if (nodeCrypto) return Buffer.from(text, "utf8").toString("base64url");
  return bytesToBase64url(encoder.encode(text));
}

function bytesToBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
