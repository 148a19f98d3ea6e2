import { createHmac, timingSafeEqual } from "node:crypto";

/** The expiry ImageKit's SDKs sign with when a signed URL should never expire. */
export const NEVER_EXPIRES = 9_999_999_999;

export type SignedUrlResult =
  | { valid: true; expiresAt: number }
  | { valid: false; reason: "missing" | "expired" | "invalid" };

/**
 * Checks the `ik-s` / `ik-t` signature of a file URL, as ImageKit does for private files.
 *
 * The SDKs sign `stringToSign = fullUrl.replace(urlEndpoint + "/", "") + expiry` with
 * HMAC-SHA1 (private key, lowercase hex), where `fullUrl` is the URL as sent minus the two
 * parameters they append last: so the check works on the raw request target (`req.url`,
 * percent-encoding untouched), never on a re-serialized URL that could differ byte for byte.
 * `ik-t` absent means the never-expiring default `9999999999`.
 *
 * @param requestTarget the raw path and query, e.g. `/demo/tr:w-100/a.jpg?ik-t=1700000000&ik-s=…`
 * @param urlPath the URL endpoint's path without trailing slash (`/demo`, or `""`)
 * @param nowSeconds current Unix time, seconds (a parameter so tests can pin it)
 */
export function verifySignedUrl(
  requestTarget: string,
  urlPath: string,
  privateKey: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): SignedUrlResult {
  const prefix = `${urlPath}/`;
  if (!requestTarget.startsWith(prefix)) return { valid: false, reason: "invalid" };
  const queryStart = requestTarget.indexOf("?");
  const path = queryStart === -1 ? requestTarget : requestTarget.slice(0, queryStart);
  const query = queryStart === -1 ? "" : requestTarget.slice(queryStart + 1);

  let signature: string | undefined;
  let expiry: string | undefined;
  const kept: string[] = [];
  for (const pair of query.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const value = eq === -1 ? "" : pair.slice(eq + 1);
    if (key === "ik-s") signature = value;
    else if (key === "ik-t") expiry = value;
    // Every other parameter (e.g. `tr=`) was part of the URL when it was signed, verbatim.
    else kept.push(pair);
  }
  if (!signature) return { valid: false, reason: "missing" };

  const expiresAt = expiry === undefined ? NEVER_EXPIRES : Number(expiry);
  if (expiry !== undefined && !/^\d{1,12}$/.test(expiry))
    return { valid: false, reason: "invalid" };

  const signedPart = path.slice(prefix.length) + (kept.length ? `?${kept.join("&")}` : "");
  const expected = signUrlPart(signedPart, expiresAt, privateKey);
  if (!sameHex(expected, signature.toLowerCase())) return { valid: false, reason: "invalid" };
  // Checked after the signature, so a tampered ik-t reads as invalid, not as expired.
  if (expiresAt < nowSeconds) return { valid: false, reason: "expired" };
  return { valid: true, expiresAt };
}

/**
 * The `ik-s` value for a URL part (everything after `urlEndpoint + "/"`, without `ik-t`/`ik-s`)
 * and an expiry: what the SDKs compute. Exported for tests and tooling.
 */
export function signUrlPart(urlPart: string, expiresAt: number, privateKey: string): string {
  return createHmac("sha1", privateKey)
    .update(urlPart + String(expiresAt))
    .digest("hex");
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
