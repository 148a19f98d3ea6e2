import { canRetry } from "../upload-error";
import { ACTIVE, type QueueState } from "./engine-state";
import type { UploaderActions } from "./uploader-types";

export type FileActions = Pick<UploaderActions, "cancel" | "retry" | "remove" | "pause" | "resume">;

/**
 * The actions on one file, by id; each does nothing to a file whose status does not allow it.
 * `pause` needs a transport that can resume (tus): stopping a plain POST loses its bytes.
 * `retry` needs a failure a retry can get past (`canRetry`): a refusal or a broken rule would
 * only fail again.
 */
export function createFileActions<TInput, TData>(queue: QueueState<TInput, TData>): FileActions {
  const { entries, order, update, changed, emit, callbacks, scheduler } = queue;

  function cancel(id: string) {
    const entry = entries.get(id);
    if (!entry || !ACTIVE.includes(entry.view.status)) return;
    scheduler.stopRun(entry);
    update(entry, { status: "canceled", speed: 0, eta: undefined });
    emit(callbacks.onUploadAborted, entry.view);
    scheduler.pump();
  }

  function retry(id: string) {
    const entry = entries.get(id);
    if (!entry || !canRetry(entry.view)) return;
    const resumable = entry.transportImpl?.canResume ?? false;
    update(entry, {
      status: "queued",
      error: undefined,
      ...(resumable ? {} : { bytesSent: 0, progress: 0 }),
      speed: 0,
      eta: undefined,
    });
    scheduler.enqueue(entry, true);
    scheduler.pump();
  }

  function remove(id: string) {
    const entry = entries.get(id);
    if (!entry) return;
    const wasActive = ACTIVE.includes(entry.view.status);
    scheduler.stopRun(entry);
    clearTimeout(entry.processingTimer);
    entries.delete(id);
    order.splice(order.indexOf(id), 1);
    changed();
    if (wasActive) emit(callbacks.onUploadAborted, entry.view);
    scheduler.pump();
  }

  function pause(id: string) {
    const entry = entries.get(id);
    const status = entry?.view.status;
    if (!entry || (status !== "queued" && status !== "uploading")) return;
    if (!entry.transportImpl?.canResume) return;
    scheduler.stopRun(entry);
    // Keep the last reported bytes, even when the throttle had not shown them yet.
    const bytesSent = status === "uploading" ? entry.pendingBytes : entry.view.bytesSent;
    update(entry, {
      status: "paused",
      bytesSent,
      progress: entry.view.size > 0 ? bytesSent / entry.view.size : 0,
      speed: 0,
      eta: undefined,
    });
    scheduler.pump();
  }

  function resume(id: string) {
    const entry = entries.get(id);
    if (entry?.view.status !== "paused") return;
    update(entry, { status: "queued" });
    scheduler.enqueue(entry, true);
    scheduler.pump();
  }

  return { cancel, retry, remove, pause, resume };
}
