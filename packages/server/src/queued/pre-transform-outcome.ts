import type { StateStore } from "../state/state-store";
import type { WebhookEvent } from "../webhooks/webhook-event";

/**
 * What ImageKit's `upload.pre-transform.*` webhook said of a queued upload's file, and when it
 * came (ms): a fixed name's path may have had an earlier upload's outcome.
 */
export type PreTransformOutcome = ({ fileId: string } | { failure: string }) & { at: number };

/** As long as a completion token lives: a queued upload is asked about no longer than that. */
const OUTCOME_TTL_MS = 25 * 60 * 60 * 1000;

/** Keyed by the path the file is stored under, the one thing both the webhook and `complete` know. */
const keyOf = (path: string) => `upkit:pre-transform:${path}`;

/**
 * Keeps the outcome of a pre-transformation from its verified webhook, for `complete` to find
 * when the browser asks about the queued upload (perhaps on another instance). Other events
 * are left alone.
 */
export async function recordPreTransform(
  store: StateStore,
  event: WebhookEvent,
  canonicalPath: (path: string) => string,
): Promise<void> {
  const data = (event.data ?? {}) as { fileId?: unknown; filePath?: unknown; path?: unknown };
  if (
    event.type === "upload.pre-transform.success" &&
    typeof data.fileId === "string" &&
    typeof data.filePath === "string"
  ) {
    const outcome: PreTransformOutcome = { fileId: data.fileId, at: Date.now() };
    await store.set(keyOf(canonicalPath(data.filePath)), JSON.stringify(outcome), OUTCOME_TTL_MS);
  }
  if (event.type === "upload.pre-transform.error" && typeof data.path === "string") {
    const reason = (data as { transformation?: { error?: { reason?: unknown } } }).transformation
      ?.error?.reason;
    const outcome: PreTransformOutcome = {
      failure: typeof reason === "string" ? reason : "unknown",
      at: Date.now(),
    };
    await store.set(keyOf(canonicalPath(data.path)), JSON.stringify(outcome), OUTCOME_TTL_MS);
  }
}

export async function readPreTransform(
  store: StateStore,
  canonicalPath: string,
): Promise<PreTransformOutcome | undefined> {
  const text = await store.get(keyOf(canonicalPath));
  return text === undefined ? undefined : (JSON.parse(text) as PreTransformOutcome);
}
