const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A random id of letters and digits (about 5.95 bits a character), from Web Crypto. Letters and
 * digits only, so ImageKit keeps it unchanged in a file name.
 */
export function randomId(length: number): string {
  let id = "";
  while (id.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      // 248 = 4 × 62: bytes above it would make the first letters likelier.
      if (byte < 248 && id.length < length) id += ALPHABET[byte % 62];
    }
  }
  return id;
}

/** A uniform random integer in [0, below). */
export function randomInt(below: number): number {
  if (below <= 1) return 0;
  const [value = 0] = crypto.getRandomValues(new Uint32Array(1));
  return value % below;
}
