import { UploadError } from "@upkit/core";
import { jwtVerify, SignJWT } from "jose";
import type { ImageKitConfig } from "../imagekit/imagekit-config";
import { hmacHex } from "./sign-upload";

/** What the server decided for one direct upload, carried back by the browser to `complete`. */
export interface CompletionClaims {
  profile: string;
  /** The folder the file must be in, e.g. `/users/42/`. */
  folder: string;
  /** The options' form fields, to check the stored file against (v1 cannot bind them). */
  fields: Record<string, string>;
  /** Hash of the browser's `input`, so `complete` runs with the input that was signed. */
  inputHash: string;
  file: { name: string; size: number; type: string };
}

/**
 * The completion token is a JWT signed with a key derived from the private key (never the key
 * itself, so a completion token can never pass as an ImageKit upload token).
 */
async function completionKey(config: ImageKitConfig): Promise<Uint8Array> {
  return new TextEncoder().encode(
    await hmacHex("SHA-256", config.privateKey, "upkit completion token v1"),
  );
}

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
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds + 24 * 3600)
    .sign(await completionKey(config));
}

export async function readCompletionToken(
  config: ImageKitConfig,
  token: string,
  profile: string,
): Promise<CompletionClaims> {
  try {
    const { payload } = await jwtVerify(token, await completionKey(config), {
      algorithms: ["HS256"],
    });
    const claims = (payload as { upkit?: CompletionClaims }).upkit;
    if (!claims || claims.profile !== profile) throw new Error("profile");
    return claims;
  } catch {
    throw new UploadError("bad-request", "The completion token is invalid or expired.");
  }
}

export async function hashInput(input: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(input ?? null));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
