import { UploadError } from "@upkit/core";
import type { ImageKitConfig } from "../imagekit/imagekit-config";
import { hmacHex } from "./hmac";
import { signHs256Jwt } from "./hs256-jwt";
import { randomInt } from "./random-id";

export type SigningScheme = "v2" | "v1";

export interface SignedFields {
  uploadUrl: string;
  fields: Record<string, string>;
  expiresAt: number;
}

/**
 * Signs one direct upload. v2 (default): a JWT whose claims are every form field, so ImageKit
 * refuses the upload if the browser changes, adds or drops any of them. v1: ImageKit's
 * signature over token + expire only; the options are then enforced at `complete`.
 * node:crypto where the runtime has it, else Web Crypto, so this runs on any runtime (Node, edge).
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

/** ImageKit's longest v2 token: `exp - iat` at most an hour. */
const MAX_TOKEN_SECONDS = 3600;
/** How far below the configured lifetime `exp` may be drawn. */
const EXP_SPREAD = 30;
/** Draws before giving up with a 429: each draw finds a free token almost surely. */
const ATTEMPTS = 8;

/** Signatures of the tokens this process issued, until they expire (`-> exp`), oldest first. */
const issued = new Map<string, number>();
/** Bounds the registry's memory; past it the oldest go (a repeat is unlikely anyway). */
const ISSUED_CAPACITY = 50_000;
let sweptAt = 0;

function remember(signature: string, expire: number, now: number): void {
  if (now !== sweptAt) {
    sweptAt = now;
    for (const [key, exp] of issued) {
      if (exp >= now) break;
      issued.delete(key);
    }
  }
  issued.set(signature, expire);
  if (issued.size > ISSUED_CAPACITY) issued.delete(issued.keys().next().value as string);
}

/**
 * A v2 token is single use at ImageKit, and its claims are only the fields plus `iat` and `exp`
 * (ImageKit wants nothing else in it). Files the kit names carry a random id in `fileName`, so
 * their tokens always differ; a profile's fixed name (same fields for every upload) does not. So
 * `iat` is drawn at random over the whole window ImageKit allows (`exp - iat` up to an hour) and
 * `exp` over the lifetime's last 30 seconds: some 100,000 distinct tokens a second for the same
 * fields, which keeps instances apart without a shared registry. This process's own repeats are
 * redrawn; after a few misses (thousands of identical files in a second) the answer is a 429 with
 * `Retry-After`, never a wait.
 */
async function signUniqueJwt(
  config: ImageKitConfig,
  fields: Record<string, string>,
  now: number,
  expiresIn: number,
) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const expire = now + expiresIn - randomInt(Math.min(EXP_SPREAD, expiresIn - 1) + 1);
    const earliest = expire - MAX_TOKEN_SECONDS;
    const iat = earliest + randomInt(now - earliest + 1);
    const header = { typ: "JWT", kid: config.publicKey } as const;
    const token = await signHs256Jwt(config.privateKey, header, fields, iat, expire);
    // The signature alone identifies the token, in a tenth of the memory.
    const signature = token.slice(token.lastIndexOf(".") + 1);
    if (!issued.has(signature)) {
      remember(signature, expire, now);
      return { token, expire };
    }
  }
  throw new UploadError(
    "rate-limited",
    "Too many identical uploads were signed at once; try again in a moment.",
    { retryAfter: 1 },
  );
}
