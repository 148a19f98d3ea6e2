const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Random bytes from Web Crypto, drawn 4 KiB at a time and handed out once each: one
 * `getRandomValues` call per many signatures instead of three per file (each call has a fixed
 * cost well above its bytes'). `crypto.randomUUID` keeps such a cache in Node too.
 */
const pool = new Uint8Array(4096);
let used = pool.length;

function randomBytes(count: number): Uint8Array {
  if (used + count > pool.length) {
    crypto.getRandomValues(pool);
    used = 0;
  }
  // A copy: a handed-out byte is never handed out again, nor changed under its holder.
  const bytes = pool.slice(used, used + count);
  used += count;
  return bytes;
}

/**
 * A random id of letters and digits (about 5.95 bits a character), from Web Crypto. Letters and
 * digits only, so ImageKit keeps it unchanged in a file name.
 */
export function randomId(length: number): string {
  let id = "";
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: bytes above it would make the first letters likelier.
      if (byte < 248 && id.length < length) id += ALPHABET[byte % 62];
    }
  }
  return id;
}

/** A uniform random integer in [0, below). */
export function randomInt(below: number): number {
  if (below <= 1) return 0;
  const bytes = randomBytes(4);
  const value =
    (bytes[0] ?? 0) * 2 ** 24 + ((bytes[1] ?? 0) << 16) + ((bytes[2] ?? 0) << 8) + (bytes[3] ?? 0);
  return value % below;
}
