import { createHmac } from "node:crypto";

/**
 * Webhook signatures, both schemes ImageKit has used: Standard Webhooks
 * (its current webhook docs) and the legacy `x-ik-signature` (its older docs and the `imagekit` 6
 * SDK's `verifyWebhookEvent`). Pure functions:
 * same input, same output, no clock and no randomness.
 */

/** The three headers of the Standard Webhooks scheme. */
export interface StandardWebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

export interface StandardWebhookInput {
  /** The message id (`webhook-id`); the emulator uses the event's `id`. */
  id: string;
  /** Unix time in seconds (`webhook-timestamp`); fractions are dropped. */
  timestamp: number;
  /** The raw body exactly as sent. */
  body: string | Buffer;
  /** The account's webhook secret, as shown in the dashboard (e.g. `whsec_...`). */
  secret: string;
}

/**
 * Standard Webhooks: `v1,` + base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)).
 *
 * The key is the UTF-8 bytes of the secret string as-is, `whsec_` prefix included, because that
 * is how the official SDK verifies: `@imagekit/nodejs` 7.x does
 * `new Webhook(toBase64(secret)).verify(...)`, and `standardwebhooks` base64-decodes its secret,
 * which gives back the secret's UTF-8 bytes.
 */
export function signStandardWebhook({
  id,
  timestamp,
  body,
  secret,
}: StandardWebhookInput): StandardWebhookHeaders {
  const seconds = Math.floor(timestamp);
  const signature = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(`${id}.${seconds}.`)
    .update(typeof body === "string" ? Buffer.from(body, "utf8") : body)
    .digest("base64");
  return {
    "webhook-id": id,
    "webhook-timestamp": String(seconds),
    "webhook-signature": `v1,${signature}`,
  };
}

export interface LegacyWebhookInput {
  /** Unix time in milliseconds (the `t=` part). */
  timestampMs: number;
  /** The raw body exactly as sent. */
  body: string | Buffer;
  /** The account's webhook secret; the HMAC key is its UTF-8 bytes. */
  secret: string;
}

/** The legacy header's name. */
export const LEGACY_SIGNATURE_HEADER = "x-ik-signature";

/**
 * The legacy `x-ik-signature` value: `t=<ms>,v1=<hex>` where
 * `v1 = hex(HMAC-SHA256(secret, "<t>.<rawBody>"))` (what the `imagekit` 6.x SDK's
 * `verifyWebhookEvent` checks).
 */
export function signLegacyWebhook({ timestampMs, body, secret }: LegacyWebhookInput): string {
  const t = Math.floor(timestampMs);
  const v1 = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(`${t}.`)
    .update(typeof body === "string" ? Buffer.from(body, "utf8") : body)
    .digest("hex");
  return `t=${t},v1=${v1}`;
}
