import { UploadError } from "@upkit/core";
import { jwtVerify } from "jose";
import type { ImageKitConfig } from "../imagekit/imagekit-config";
import type { UploadBinding } from "./bind-upload";
import { hmacHex, hmacKey, sha256Hex } from "./hmac";
import { signHs256Jwt } from "./hs256-jwt";

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
function completionSecret(config: ImageKitConfig): Promise<string> {
  let secret = completionSecrets.get(config.privateKey);
  if (!secret) {
    secret = hmacHex("SHA-256", config.privateKey, "upkit completion token v1");
    completionSecrets.set(config.privateKey, secret);
  }
  return secret;
}

/** Derived once per private key, like the imported HMAC keys. */
const completionSecrets = new Map<string, Promise<string>>();

/** The derived secret as a `CryptoKey`, for jose's `jwtVerify`. */
async function completionKey(config: ImageKitConfig): Promise<CryptoKey> {
  return hmacKey(await completionSecret(config), "SHA-256");
}

export async function createCompletionToken(
  config: ImageKitConfig,
  claims: CompletionClaims,
  expiresInSeconds: number,
): Promise<string> {
  // The browser may take a while between the upload and `complete`: give it the upload's window
  // plus the time a large upload takes.
  const now = Math.floor(Date.now() / 1000);
  return signHs256Jwt(
    await completionSecret(config),
    { typ: "JWT" },
    { upkit: claims },
    now,
    now + expiresInSeconds + COMPLETION_GRACE_SECONDS,
  );
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
    noInputHash ??= sha256Hex("null");
    return noInputHash;
  }
  return sha256Hex(JSON.stringify(input));
}

let noInputHash: Promise<string> | undefined;
