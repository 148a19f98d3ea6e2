import { hmacHex } from "../signing/hmac";

/**
 * Who an upload belongs to: an HMAC (keyed with the private key) of the profile's name and the
 * JSON of what `authorize` returned. Stored in the upload's metadata, which tus hands back on
 * HEAD: keyed, so that a small value (a user id) cannot be read back from it. A profile without
 * `authorize` has one owner for everyone: there the random upload id is the only secret.
 */
export function ownerKey(privateKey: string, profileName: string, auth: unknown): Promise<string> {
  return hmacHex("SHA-256", privateKey, `upkit-tus-owner\n${profileName}\n${stableJson(auth)}`);
}

/** JSON with object keys sorted, so that the same user gives the same key on every request. */
function stableJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );
}
