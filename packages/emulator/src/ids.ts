import { randomBytes } from "node:crypto";

const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

export const randomHex = (bytes: number) => randomBytes(bytes).toString("hex");

/** fileIds and version ids: 24 lowercase hex characters, like ImageKit's ObjectId-style ids. */
export const newId = () => randomHex(12);

/** The unique file name suffix: 9 characters from `[A-Za-z0-9_-]` (emulator choice). */
export function uniqueSuffix(): string {
  const bytes = randomBytes(9);
  let out = "";
  for (const byte of bytes) out += SUFFIX_ALPHABET[byte & 63];
  return out;
}
