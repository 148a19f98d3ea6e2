import { addFiles } from "./add-files";
import type { EngineState, QueueState } from "./engine-state";
import { createFileActions } from "./file-actions";
import { createProgressMeter } from "./progress-meter";
import { createRunScheduler } from "./run-scheduler";
import { runUpload } from "./run-upload";
import type { Uploader, UploaderActions } from "./uploader-types";

/** The part of the engine that handles files, loaded by `createUploader` with the first file. */
export type UploadQueue<TData> = UploaderActions<TData> &
  Pick<Uploader<TData>, "settled" | "destroy">;

/**
 * The queue over the engine's store: checks and queues files (`add-files.ts`), runs at most
 * `concurrency` at a time (`run-scheduler.ts`), retries with backoff (`run-upload.ts`),
 * throttles progress and measures speed (`progress-meter.ts`), and follows the
 * post-transformations of stored files (`watch-processing.ts`).
 */
export function createUploadQueue<TInput, TData>(
  state: EngineState<TInput, TData>,
): UploadQueue<TData> {
  const { options, entries, order, update } = state;
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 3));
  const idPrefix = `upk${Math.random().toString(36).slice(2, 8)}`;
  let idCount = 0;

  const meter = createProgressMeter(state);
  const scheduler = createRunScheduler(state, concurrency, meter, (entry, run) =>
    runUpload(queue, entry, run),
  );
  const queue: QueueState<TInput, TData> = {
    ...state,
    retries: Math.max(0, Math.floor(options.retries ?? 3)),
    autoUpload: options.autoUpload ?? true,
    meter,
    scheduler,
    nextId: () => `${idPrefix}-${++idCount}`,
  };
  const fileActions = createFileActions(queue);

  return {
    addFiles: (list) => addFiles(queue, list),
    ...fileActions,
    start() {
      scheduler.batch(() => {
        for (const entry of entries.values()) {
          if (entry.view.status === "queued" && !entry.ready) scheduler.enqueue(entry, true);
        }
      });
    },
    cancelAll() {
      scheduler.batch(() => {
        for (const id of [...order]) fileActions.cancel(id);
      });
    },
    retryAll() {
      scheduler.batch(() => {
        for (const id of [...order]) {
          if (entries.get(id)?.view.status === "error") fileActions.retry(id);
        }
      });
    },
    settled: scheduler.settled,
    destroy() {
      scheduler.batch(() => {
        for (const entry of entries.values()) {
          const { status } = entry.view;
          meter.stop(entry);
          clearTimeout(entry.processingTimer);
          if (status === "uploading" || status === "processing" || status === "queued") {
            scheduler.stopRun(entry);
            update(entry, { status: "canceled", speed: 0, eta: undefined });
          }
        }
      });
    },
  };
}
