import { UploadError } from "@upkit/core";
import type { HandlerContext } from "../handler/handler-context";
import { readBodyText } from "../http/read-body-text";
import { json } from "../http/responses";
import { stepKey } from "../processing-tracker";
import { recordPreTransform } from "../queued/pre-transform-outcome";
import { canonical } from "../signing/bind-upload";
import { verifyWebhook } from "../webhooks/verify-webhook";
import type { WebhookEvent } from "../webhooks/webhook-event";

/** ImageKit's webhooks carry one event (a file object at most): far below this. */
const WEBHOOK_LIMIT = 1024 * 1024;

/** What a post-transformation webhook says of its step. */
const WEBHOOK_OUTCOMES = new Map<string, "done" | "failed">([
  ["upload.post-transform.success", "done"],
  ["upload.post-transform.error", "failed"],
]);

/** `POST webhook`: verifies an ImageKit webhook and hands it to `onWebhook`, once per id. */
export async function webhookRoute(ctx: HandlerContext, request: Request): Promise<Response> {
  const { webhook, store } = ctx;
  if (!webhook) throw new UploadError("not-found", "Webhooks are not configured.");
  const secret = webhook.secret ?? process.env.IMAGEKIT_WEBHOOK_SECRET;
  if (!secret)
    throw new Error("IMAGEKIT_WEBHOOK_SECRET is not set (pass webhook.secret or set the variable)");
  const toleranceSeconds = webhook.toleranceSeconds ?? 300;
  const body = await readBodyText(request, WEBHOOK_LIMIT);
  const event = await verifyWebhook(body, request.headers, secret, { toleranceSeconds });
  // A replay of a delivered webhook (same id, within the window) is acknowledged, not run
  // again. The id is signed in both schemes: the header in Standard Webhooks, the body in legacy.
  const id = request.headers.get("webhook-id") ?? event.id;
  const key = `upkit:webhook:${id}`;
  if (!(await store.setIfAbsent(key, "1", 2 * toleranceSeconds * 1000))) {
    return json({ received: true, duplicate: true });
  }
  try {
    await followProcessing(ctx, event);
    await recordPreTransform(store, event, canonical);
    await webhook.onWebhook(event, request);
  } catch (error) {
    // Not delivered after all: ImageKit's retry must be able to run it.
    await store.delete(key);
    throw error;
  }
  return json({ received: true });
}

/** Settles a post-transformation the browser may be polling `status` for. */
async function followProcessing(ctx: HandlerContext, event: WebhookEvent): Promise<void> {
  const settled = WEBHOOK_OUTCOMES.get(event.type);
  const { fileId } = (event.data ?? {}) as { fileId?: unknown };
  const step = (
    event.request as { transformation?: { type?: unknown; value?: unknown } } | undefined
  )?.transformation;
  if (settled && typeof fileId === "string" && typeof step?.type === "string") {
    await ctx.tracker.settle(
      fileId,
      stepKey({
        type: step.type,
        value: typeof step.value === "string" ? step.value : undefined,
      }),
      settled,
    );
  }
}
