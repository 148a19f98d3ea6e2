import { randomUUID } from "node:crypto";
import { type ClientRequest, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Jobs } from "../jobs";
import type { ResolvedOptions } from "../options";
import { LEGACY_SIGNATURE_HEADER, signLegacyWebhook, signStandardWebhook } from "./sign-webhook";

/**
 * Every event type ImageKit's webhooks document (`@imagekit/nodejs` 7.11 `resources/webhooks.ts`,
 * `UnwrapWebhookEvent`). The emulator sends `file.created`, `file.deleted`,
 * `file-version.created` and the `upload.*` ones, not the `video.transformation.*` ones.
 */
export const WEBHOOK_EVENT_TYPES = [
  "file.created",
  "file.updated",
  "file.deleted",
  "file-version.created",
  "file-version.deleted",
  "upload.pre-transform.success",
  "upload.pre-transform.error",
  "upload.post-transform.success",
  "upload.post-transform.error",
  "video.transformation.accepted",
  "video.transformation.ready",
  "video.transformation.error",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The envelope of every account webhook as ImageKit's JSON examples and SDK types write it:
 * `created_at`, not the `createdAt` of its docs' tables. */
export interface WebhookEvent<T = unknown> {
  id: string;
  type: string;
  created_at: string;
  data: T;
  request?: unknown;
}

/** One webhook delivery as the admin route shows it. */
export interface WebhookDelivery {
  /** The `webhook-id`: the event's `id`, or a fresh UUID for `send` callbacks. */
  id: string;
  /** The event type; `undefined` for a per-request callback (`send`). */
  type: string | undefined;
  url: string;
  /** `pending` while attempts remain, then `delivered` (a 2xx answer) or `failed`. */
  status: "pending" | "delivered" | "failed";
  /** Attempts made so far. */
  attempts: number;
  /** HTTP status of the last answered attempt. */
  statusCode?: number;
  /** Why the last attempt failed (network error, timeout, non-2xx). */
  error?: string;
  /** The JSON body as posted. */
  payload: unknown;
  createdAt: string;
  updatedAt: string;
}

/**
 * How deliveries are retried. Real ImageKit retries for up to 24 hours; the emulator keeps it
 * bounded (emulator choice): one attempt, then a retry after each delay (0.5 s, 1 s, 2 s), so at
 * most 4 attempts, each cut off after 10 s without response headers.
 */
export interface WebhookRetryPolicy {
  /** Wait before each retry, ms; its length is the number of retries. */
  delaysMs: readonly number[];
  /** Per-attempt timeout until the response headers arrive, ms. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  delaysMs: [500, 1000, 2000],
  timeoutMs: 10_000,
};

/** How many deliveries the in-memory log keeps (oldest dropped first). */
export const MAX_LOGGED_DELIVERIES = 100;

export const WEBHOOK_USER_AGENT = "ImageKit-Webhook/emulator";

/**
 * Posts webhooks in the background (the upload response never waits), signed with the account's
 * webhook secret: Standard Webhooks headers by default, the legacy `x-ik-signature` when
 * `options.legacyWebhookSignature` is set. Per-request extension callbacks (`webhookUrl`) are
 * signed the same way (emulator choice: whether ImageKit signs them is not documented).
 */
export class WebhookSender {
  private readonly log: WebhookDelivery[] = [];
  private readonly inFlight = new Set<ClientRequest>();
  private closed = false;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly jobs: Jobs,
    private readonly logLine: (line: string) => void = () => {},
    private readonly retry: WebhookRetryPolicy = DEFAULT_WEBHOOK_RETRY,
  ) {}

  /** The deliveries so far (copies), oldest first, at most `MAX_LOGGED_DELIVERIES`. */
  get delivered(): WebhookDelivery[] {
    return this.log.map((delivery) => ({ ...delivery }));
  }

  /** Forgets the delivery log (deliveries under way go on). */
  clearLog(): void {
    this.log.length = 0;
  }

  /**
   * Builds the event envelope and posts it to the account's webhook endpoint
   * (`options.webhookUrl`); nothing happens when no endpoint is configured.
   */
  sendEvent(type: WebhookEventType, data: unknown, request?: unknown): void {
    const url = this.options.webhookUrl;
    if (!url) return;
    const event: WebhookEvent = {
      id: randomUUID(),
      type,
      created_at: new Date().toISOString(),
      data,
      ...(request === undefined ? {} : { request }),
    };
    this.deliver(url, event, event.id, type);
  }

  /** Posts any JSON payload to `url` (the per-request extension `webhookUrl` callbacks). */
  send(url: string, payload: object): void {
    this.deliver(url, payload, randomUUID(), undefined);
  }

  /** Stops retrying and aborts the attempts under way; call before `jobs.close()`. */
  close(): void {
    this.closed = true;
    for (const req of this.inFlight) req.destroy(new Error("The emulator is closing."));
    this.inFlight.clear();
  }

  private deliver(url: string, payload: object, id: string, type: string | undefined): void {
    const now = new Date().toISOString();
    const delivery: WebhookDelivery = {
      id,
      type,
      url,
      status: "pending",
      attempts: 0,
      payload,
      createdAt: now,
      updatedAt: now,
    };
    this.log.push(delivery);
    if (this.log.length > MAX_LOGGED_DELIVERIES)
      this.log.splice(0, this.log.length - MAX_LOGGED_DELIVERIES);

    let target: URL;
    try {
      target = new URL(url);
      if (target.protocol !== "http:" && target.protocol !== "https:")
        throw new Error("not http(s)");
    } catch {
      this.finish(delivery, "failed", `Invalid webhook URL: ${url}`);
      return;
    }
    const body = Buffer.from(JSON.stringify(payload), "utf8");
    this.schedule(delivery, target, body, 0);
  }

  private schedule(delivery: WebhookDelivery, target: URL, body: Buffer, delayMs: number): void {
    if (this.closed) {
      this.finish(delivery, "failed", delivery.error ?? "The emulator closed before delivery.");
      return;
    }
    this.jobs.later(
      delayMs,
      () => this.attempt(delivery, target, body),
      (error) => this.finish(delivery, "failed", describe(error)),
    );
  }

  private async attempt(delivery: WebhookDelivery, target: URL, body: Buffer): Promise<void> {
    if (this.closed) {
      this.finish(delivery, "failed", delivery.error ?? "The emulator closed before delivery.");
      return;
    }
    delivery.attempts += 1;
    const max = this.retry.delaysMs.length + 1;
    let outcome: string;
    try {
      const status = await this.post(target, body, this.signatureHeaders(delivery.id, body));
      delivery.statusCode = status;
      if (status >= 200 && status < 300) {
        delete delivery.error;
        this.logLine(
          `webhook ${delivery.type ?? "callback"} ${delivery.url} -> ${status} (attempt ${delivery.attempts}/${max})`,
        );
        this.finish(delivery, "delivered");
        return;
      }
      outcome = `HTTP ${status}`;
    } catch (error) {
      outcome = describe(error);
    }
    delivery.error = outcome;
    delivery.updatedAt = new Date().toISOString();
    this.logLine(
      `webhook ${delivery.type ?? "callback"} ${delivery.url} -> ${outcome} (attempt ${delivery.attempts}/${max})`,
    );
    const nextDelay = this.retry.delaysMs[delivery.attempts - 1];
    if (nextDelay === undefined || this.closed) this.finish(delivery, "failed", outcome);
    else this.schedule(delivery, target, body, nextDelay);
  }

  /** Signed per attempt: the timestamp is the attempt's, the id stays the same. */
  private signatureHeaders(id: string, body: Buffer): Record<string, string> {
    const secret = this.options.webhookSecret;
    if (this.options.legacyWebhookSignature) {
      return {
        [LEGACY_SIGNATURE_HEADER]: signLegacyWebhook({ timestampMs: Date.now(), body, secret }),
      };
    }
    return { ...signStandardWebhook({ id, timestamp: Date.now() / 1000, body, secret }) };
  }

  private post(target: URL, body: Buffer, headers: Record<string, string>): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const send = target.protocol === "https:" ? httpsRequest : httpRequest;
      const req = send(target, {
        method: "POST",
        agent: false,
        headers: {
          "content-type": "application/json",
          "content-length": String(body.length),
          "user-agent": WEBHOOK_USER_AGENT,
          ...headers,
        },
      });
      this.inFlight.add(req);
      const timer = setTimeout(() => {
        req.destroy(new Error(`No response within ${this.retry.timeoutMs} ms.`));
      }, this.retry.timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.inFlight.delete(req);
      };
      req.on("response", (res) => {
        done();
        res.on("error", () => {});
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", (error) => {
        done();
        reject(error);
      });
      req.end(body);
    });
  }

  private finish(delivery: WebhookDelivery, status: "delivered" | "failed", error?: string): void {
    if (delivery.status !== "pending") return;
    delivery.status = status;
    if (error !== undefined) delivery.error = error;
    delivery.updatedAt = new Date().toISOString();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
