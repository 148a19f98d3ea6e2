import { UploadError } from "@upkit/core";
import { type WebhookEvent, webhookEventSchema } from "./webhook-event";

export interface VerifyWebhookOptions {
  /** Oldest (and furthest-ahead) timestamp accepted, seconds. Default 300, as `standardwebhooks`. */
  toleranceSeconds?: number;
  /** The clock, ms since the epoch; for tests. Default `Date.now`. */
  now?: () => number;
}

const encoder = new TextEncoder();

/**
 * Checks an ImageKit webhook and returns its event, typed. Both of ImageKit's schemes, the current
 * Standard Webhooks one and the legacy one of its older docs:
 *
 * - Standard Webhooks: `webhook-id`, `webhook-timestamp` (s), `webhook-signature`
 *   (`v1,<base64>`, several space-separated during a secret rotation), HMAC-SHA256 of
 *   `<id>.<timestamp>.<body>`.
 * - Legacy: `x-ik-signature: t=<ms>,v1=<hex>`, HMAC-SHA256 of `<t>.<body>`.
 *
 * The HMAC key is the secret string's UTF-8 bytes as-is (`whsec_` included): ImageKit's SDK does
 * `new Webhook(base64(secret))`, and `standardwebhooks` base64-decodes it back to those bytes.
 * Web Crypto only, so it runs on edge runtimes too; `crypto.subtle.verify` compares in constant
 * time. `rawBody` must be the body exactly as received: re-serialised JSON will not verify.
 *
 * Throws `UploadError` `unauthorized` (no, wrong or stale signature) or `bad-request` (malformed
 * headers or body).
 */
export async function verifyWebhook(
  rawBody: string,
  headers: Headers,
  secret: string,
  options: VerifyWebhookOptions = {},
): Promise<WebhookEvent> {
  // An empty secret would make every signature forgeable: a configuration error, not a 401.
  if (secret === "") throw new UploadError("internal-error", "The webhook secret is empty");
  const toleranceMs = (options.toleranceSeconds ?? 300) * 1000;
  const now = (options.now ?? Date.now)();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );

  const signature = headers.get("webhook-signature");
  const legacy = headers.get("x-ik-signature");
  if (signature !== null) {
    await verifyStandard(rawBody, headers, signature, key, now, toleranceMs);
  } else if (legacy !== null) {
    await verifyLegacy(rawBody, legacy, key, now, toleranceMs);
  } else {
    throw new UploadError(
      "unauthorized",
      "The webhook is not signed: no webhook-signature or x-ik-signature header",
    );
  }
  return parseEvent(rawBody);
}

async function verifyStandard(
  rawBody: string,
  headers: Headers,
  signatureHeader: string,
  key: CryptoKey,
  now: number,
  toleranceMs: number,
): Promise<void> {
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  if (!id) throw new UploadError("bad-request", "The webhook-id header is missing");
  if (!timestamp) throw new UploadError("bad-request", "The webhook-timestamp header is missing");
  if (!/^\d{1,15}$/.test(timestamp))
    throw new UploadError(
      "bad-request",
      "The webhook-timestamp header is not a Unix time in seconds",
    );
  checkTimestamp(Number(timestamp) * 1000, now, toleranceMs);

  // `v1,<base64>` entries; other versions (e.g. `v1a` asymmetric) are skipped, as the spec says.
  const candidates = signatureHeader
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => fromBase64(entry.slice(3)));
  const content = encoder.encode(`${id}.${timestamp}.${rawBody}`);
  if (!(await anyMatches(key, candidates, content)))
    throw new UploadError("unauthorized", "The webhook signature does not match");
}

async function verifyLegacy(
  rawBody: string,
  header: string,
  key: CryptoKey,
  now: number,
  toleranceMs: number,
): Promise<void> {
  const parts = header.split(",").map((part) => part.trim());
  const t = parts.find((part) => part.startsWith("t="))?.slice(2);
  const candidates = parts.filter((part) => part.startsWith("v1=")).map((part) => part.slice(3));
  if (t === undefined)
    throw new UploadError("bad-request", "The x-ik-signature timestamp is missing");
  if (!/^\d{1,16}$/.test(t))
    throw new UploadError("bad-request", "The x-ik-signature timestamp is not a Unix time in ms");
  if (candidates.length === 0)
    throw new UploadError("bad-request", "The x-ik-signature signature (v1=) is missing");
  checkTimestamp(Number(t), now, toleranceMs);
  const content = encoder.encode(`${t}.${rawBody}`);
  if (!(await anyMatches(key, candidates.map(fromHex), content)))
    throw new UploadError("unauthorized", "The webhook signature does not match");
}

/** Both ways: a timestamp far ahead is as suspicious as an old one (a replay with a bad clock). */
function checkTimestamp(timestampMs: number, now: number, toleranceMs: number): void {
  if (now - timestampMs > toleranceMs)
    throw new UploadError("unauthorized", "The webhook timestamp is too old (possible replay)");
  if (timestampMs - now > toleranceMs)
    throw new UploadError("unauthorized", "The webhook timestamp is too far in the future");
}

async function anyMatches(
  key: CryptoKey,
  candidates: (Uint8Array<ArrayBuffer> | undefined)[],
  content: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  for (const candidate of candidates) {
    // `verify` recomputes the HMAC and compares in constant time.
    if (candidate && (await crypto.subtle.verify("HMAC", key, candidate, content))) return true;
  }
  return false;
}

function parseEvent(rawBody: string): WebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new UploadError("bad-request", "The webhook body is not JSON");
  }
  const parsed = webhookEventSchema.safeParse(json);
  if (!parsed.success)
    throw new UploadError("bad-request", "The webhook body is not an ImageKit event", {
      data: { issues: parsed.error.issues.map(({ path, message }) => ({ path, message })) },
    });
  return parsed.data;
}

/** `undefined` for anything that is not base64: it matches nothing. */
function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function fromHex(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^(?:[0-9a-f]{2})+$/i.test(text)) return undefined;
  return Uint8Array.from(text.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
}
