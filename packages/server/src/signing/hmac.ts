const encoder = new TextEncoder();

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

/** Lower-case hex HMAC of `message`, as ImageKit's v1 signature and our key derivation use. */
export async function hmacHex(
  hash: "SHA-1" | "SHA-256",
  secret: string,
  message: string,
): Promise<string> {
  const signature = await crypto.subtle.sign(
    "HMAC",
    await hmacKey(secret, hash),
    encoder.encode(message),
  );
  return Array.from(new Uint8Array(signature), (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}
