import { SignJWT } from "jose";
import type { ImageKitConfig } from "../imagekit/imagekit-config";

export type SigningScheme = "v2" | "v1";

export interface SignedFields {
  uploadUrl: string;
  fields: Record<string, string>;
  expiresAt: number;
}

const encoder = new TextEncoder();

async function hmacHex(
  algorithm: "SHA-1" | "SHA-256",
  key: string,
  message: string,
): Promise<string> {
  const cryptoKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: algorithm },
    false,
    ["sign"],
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(message)),
  );
  return Array.from(signature, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Signs one direct upload. v2 (default): a JWT whose claims are every form field, so ImageKit
 * refuses the upload if the browser changes, adds or drops any of them. v1: ImageKit's
 * signature over token + expire only; the options are then enforced at `complete`.
 * Web Crypto only, so this runs on any runtime (Node, edge).
 */
export async function signUpload(
  config: ImageKitConfig,
  scheme: SigningScheme,
  fields: Record<string, string>,
  expiresInSeconds: number,
): Promise<SignedFields> {
  const now = Math.floor(Date.now() / 1000);
  if (scheme === "v2") {
    const { token, expire } = await signUniqueJwt(config, fields, now, expiresInSeconds);
    return {
      uploadUrl: `${config.uploadEndpoint}/api/v2/files/upload`,
      fields: { ...fields, token },
      expiresAt: expire * 1000,
    };
  }
  const expire = now + expiresInSeconds;
  const token = crypto.randomUUID();
  const signature = await hmacHex("SHA-1", config.privateKey, token + String(expire));
  return {
    uploadUrl: `${config.uploadEndpoint}/api/v1/files/upload`,
    fields: { ...fields, publicKey: config.publicKey, token, expire: String(expire), signature },
    expiresAt: expire * 1000,
  };
}

/** Tokens this process issued, until they expire: `token -> exp`. */
const issued = new Map<string, number>();

/**
 * A v2 token is single use at ImageKit, and its claims are only the fields plus `iat` and `exp`
 * (ImageKit wants nothing else in it). Two files with the same name and options signed in the
 * same second (a batch of pasted "image.png"s) would get the same token, and the second upload
 * would be refused as a replay. So `iat` and `exp` are drawn a little apart, at random (which
 * also separates server instances), and never repeat a token this process issued.
 */
async function signUniqueJwt(
  config: ImageKitConfig,
  fields: Record<string, string>,
  now: number,
  expiresIn: number,
) {
  for (const [token, exp] of issued) if (exp < now) issued.delete(token);
  const spread = Math.min(30, expiresIn - 1);
  for (;;) {
    const iat = now - randomInt(31);
    const expire = now + expiresIn - randomInt(spread + 1);
    const token = await new SignJWT(fields)
      .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: config.publicKey })
      .setIssuedAt(iat)
      .setExpirationTime(expire)
      .sign(encoder.encode(config.privateKey));
    if (!issued.has(token)) {
      issued.set(token, expire);
      return { token, expire };
    }
  }
}

function randomInt(below: number): number {
  if (below <= 1) return 0;
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
  return value % below;
}

export { hmacHex };
