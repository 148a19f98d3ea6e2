import { UploadError } from "@upkit/core";
import { jwtVerify, SignJWT } from "jose";
import type { ImageKitConfig } from "../imagekit/imagekit-config";
import type { UploadBinding } from "./bind-upload";
import { hmacHex, hmacKey } from "./hmac";

/** What the server decided for one direct upload, carried back by the browser to `complete`. */
export interface CompletionClaims {
  profile: string;
  /** Which stored file this upload may complete (see `bindUpload`). */
  binding: UploadBinding;
  /** The options' form fields, to check the stored file against (v1 cannot bind them). */
  fields: Record<string, string>;
  /** Hash of the browser's `input`, so `complete` runs with the input that was signed. */
  inputHash: string;
  file: { name: string; size: number; type: string };
}

/** A completion token is accepted this long after the upload's own signature expired. */
export const COMPLETION_GRACE_SECONDS = 24 * 3600;

/**
 * The completion token is a JWT signed with a key derived from the private key (never the key
 * itself, so a completion token can never pass as an ImageKit upload token).
 */
function completionKey(config: ImageKitConfig): Promise<CryptoKey> {
  let key = completionKeys.get(config.privateKey);
  if (!key) {
    key = hmacHex("SHA-256", config.privateKey, "upkit completion token v1").then((derived) =>
      hmacKey(derived, "SHA-256"),
    );
    completionKeys.set(config.privateKey, key);
  }
  return key;
}

/** Derived once per private key, like the imported HMAC keys. */
const completionKeys = new Map<string, Promise<CryptoKey>>();

export async function createCompletionToken(
  config: ImageKitConfig,
  claims: CompletionClaims,
  expiresInSeconds: number,
): Promise<string> {
  // The browser may take a while between the upload and `complete`: give it the upload's window
  // plus the time a large upload takes.
  return new SignJWT({ upkit: claims })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds + COMPLETION_GRACE_SECONDS)
    .sign(await completionKey(config));
}

export async function readCompletionToken(
  config: ImageKitConfig,
  token: string,
  profile: string,
): Promise<CompletionClaims & { issuedAt: number; expiresAt: number }> {
  try {
    const { payload } = await jwtVerify(token, await completionKey(config), {
      algorithms: ["HS256"],
      requiredClaims: ["iat", "exp"],
    });
    const claims = (payload as { upkit?: CompletionClaims }).upkit;
    if (!claims?.binding?.id || claims.profile !== profile) throw new Error("claims");
    return { ...claims, issuedAt: payload.iat as number, expiresAt: payload.exp as number };
  } catch {
    throw new UploadError("bad-request", "The completion token is invalid or expired.");
  }
}

export async function hashInput(input: unknown): Promise<string> {
  // Most profiles take no input: its hash is the same every time.
  if (input === undefined || input === null) {
    noInputHash ??= digestHex("null");
    return noInputHash;
  }
  return digestHex(JSON.stringify(input));
}

let noInputHash: Promise<string> | undefined;

async function digestHex(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
