import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ImageKitError, MESSAGES } from "./imagekit-error";

/** The private key sent as Basic auth (`base64("<privateKey>:")`), or undefined when absent. */
export function basicAuthKey(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header?.toLowerCase().startsWith("basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? decoded : decoded.slice(0, colon);
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The management APIs' guard: Basic auth with the account's private key. */
export function requirePrivateKey(req: IncomingMessage, privateKey: string): void {
  const key = basicAuthKey(req);
  if (key === undefined || key === "") throw new ImageKitError(401, MESSAGES.missingPrivateKey);
  if (!safeEqual(key, privateKey)) throw new ImageKitError(403, MESSAGES.cannotAuthenticate);
}
